"""The roster is simply there: loaded in the background on connecting, again when old, and at once for
a UserID nobody has on their roster. Against the stand-in over real HTTP."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from albums.models import Connection
from albums.services.connections import connection_connect_with_token
from albums.services.members import member_roster_ensure, member_roster_load, member_roster_lookup
from tests.factories import DEMO_MANAGER_TOKEN, ManagerConnectionFactory, UserFactory
from tests.support.tasks import DATABASE_TASKS

pytestmark = pytest.mark.django_db

LOADING = "Loading members from AdultWork"


def current(connection) -> set[int]:
    return set(connection.members.filter(is_stale=False).values_list("aw_user_id", flat=True))


def test_connecting_a_group_manager_loads_the_whole_roster_in_the_background(standin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        connection = connection_connect_with_token(user=UserFactory(), access_token=DEMO_MANAGER_TOKEN)

    assert len(queued) == 1  # the load, handed to the task backend once the connection is committed
    connection.refresh_from_db()
    assert current(connection) == set(range(300001, 300121))
    assert connection.roster_loaded_at is not None and connection.roster_error == ""


def test_connecting_a_plain_member_queues_nothing(standin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        connection_connect_with_token(user=UserFactory(), access_token="demo-member-token")
    assert queued == []
    assert standin.requests("getgroupdetails") == []


def test_a_load_waiting_for_the_worker_is_not_queued_twice(manager, standin, settings, django_capture_on_commit_callbacks):
    settings.TASKS = DATABASE_TASKS
    agency = Connection.objects.get(user=manager)
    agency.roster_loaded_at = None
    with django_capture_on_commit_callbacks(execute=True):
        member_roster_ensure(connections=[agency])
        member_roster_ensure(connections=[Connection.objects.get(pk=agency.pk)])
    assert DBTaskResult.objects.filter(task_path="albums.tasks.member_roster_load_task").count() == 1


def test_a_roster_older_than_the_configured_age_is_loaded_again_on_its_next_use(
    client, manager, agency, standin, settings, django_capture_on_commit_callbacks
):
    settings.AW_ROSTER_MAX_AGE = 3600
    Connection.objects.filter(pk=agency.pk).update(roster_loaded_at=timezone.now() - timedelta(minutes=59))
    client.force_login(manager)
    client.get(reverse("member_list"))
    assert standin.requests("getgroupdetails") == []  # young enough

    Connection.objects.filter(pk=agency.pk).update(roster_loaded_at=timezone.now() - timedelta(minutes=61))
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("member_list"))
    assert standin.requests("getgroupdetails")
    assert len(current(agency)) == 120


def test_the_member_pages_say_the_roster_is_loading_until_it_is_in(client, manager, agency, settings, standin):
    settings.TASKS = DATABASE_TASKS  # queued, and no worker runs
    Connection.objects.filter(pk=agency.pk).update(roster_loaded_at=None)
    client.force_login(manager)
    for page in ("member_list", "member_album_create", "bulk_job_create"):
        assert LOADING in client.get(reverse(page)).content.decode(), page
    assert client.get(reverse("member_roster_state")).json() == {"loading": True}

    member_roster_load(connection_id=agency.pk)  # what the worker runs

    assert client.get(reverse("member_roster_state")).json() == {"loading": False}
    page = client.get(reverse("member_list")).content.decode()
    assert LOADING not in page, page[page.find(LOADING) - 300 : page.find(LOADING) + 100]
    assert "member100" in page  # from AdultWork: the roster had ten


def test_a_failed_background_load_says_why_instead_of_loading_forever(client, manager, agency, settings, standin):
    settings.TASKS = DATABASE_TASKS
    Connection.objects.filter(pk=agency.pk).update(roster_loaded_at=None, roster_queued_at=timezone.now())
    standin.fault("html", status=503, match="getgroupdetails", times=1)

    member_roster_load(connection_id=agency.pk)

    agency.refresh_from_db()
    assert agency.roster_error and agency.roster_loaded_at is None
    client.force_login(manager)
    page = client.get(reverse("member_list")).content.decode()
    assert LOADING not in page and "could not be loaded from AdultWork" in page


def test_a_user_id_not_on_the_roster_is_looked_up_on_adultwork(client, manager, agency, standin):
    Connection.objects.filter(pk=agency.pk).update(roster_loaded_at=timezone.now() - timedelta(minutes=5))
    standin.group_members(group_id=9001, add={300777: "newcomer"})
    client.force_login(manager)

    page = client.get(reverse("member_album_create"), {"q": "300777"}).content.decode()

    assert "Found newcomer (300777) on AdultWork" in page
    assert '<option value="300777" selected>newcomer (300777)</option>' in page


def test_looking_up_refreshes_a_roster_at_most_once_a_minute(manager, agency, standin):
    agency.roster_loaded_at = timezone.now() - timedelta(minutes=5)
    agency.save()
    assert member_roster_lookup(user=manager, aw_user_id=400001) is None  # in another group
    assert member_roster_lookup(user=manager, aw_user_id=400002) is None
    assert len(standin.requests("getgroupdetails")) == 2  # one refresh: two pages of members, once


def test_a_refresh_for_a_group_the_connection_left_meanwhile_is_thrown_away(agency, standin):
    from albums.errors import PortalError
    from albums.services.members import member_roster_refresh

    moved = Connection.objects.get(pk=agency.pk)
    Connection.objects.filter(pk=agency.pk).update(group_id=9002)
    with pytest.raises(PortalError, match="group changed"):
        member_roster_refresh(connection=moved)
    assert len(current(agency)) == 10


def test_a_second_agency_shows_its_own_loading_state(client, manager, standin, settings):
    settings.TASKS = DATABASE_TASKS
    other = ManagerConnectionFactory(group_id=9002, aw_user_id=200002, roster_loaded_at=None)
    client.force_login(other.user)
    assert LOADING in client.get(reverse("member_list")).content.decode()
    client.force_login(manager)
    assert LOADING not in client.get(reverse("member_list")).content.decode()


def test_the_bulk_forms_search_looks_a_user_id_up_too_and_ticks_them(client, manager, agency, standin):
    Connection.objects.filter(pk=agency.pk).update(roster_loaded_at=timezone.now() - timedelta(minutes=5))
    standin.group_members(group_id=9001, add={300777: "newcomer"})
    client.force_login(manager)

    page = client.get(reverse("bulk_job_create"), {"q": "300777"}).content.decode()

    assert "Found newcomer (300777) on AdultWork" in page
    assert re.search(r'<input type="checkbox" name="members" value="300777"[^>]*checked', page)


def test_a_user_id_nobody_has_says_so_and_is_looked_up_once(client, manager, agency, standin):
    Connection.objects.filter(pk=agency.pk).update(roster_loaded_at=timezone.now() - timedelta(minutes=5))
    client.force_login(manager)
    page = client.get(reverse("member_album_create"), {"q": "400001"}).content.decode()
    assert "AdultWork member 400001 is not a member of a group you act for." in page
    client.get(reverse("member_album_create"), {"q": "400001"})
    assert len(standin.requests("getgroupdetails")) == 2  # one refresh (two pages), not two
