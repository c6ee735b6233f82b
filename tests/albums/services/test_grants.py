"""Grants belong to the AdultWork group: a connection that changes account or group takes no staff along."""

import pytest
from django.urls import reverse

from albums.errors import PortalError
from albums.models import StaffGrant
from albums.selectors import agency_connections_for, member_actable_by
from albums.services.connections import connection_connect_with_token
from albums.services.grants import staff_grant_give
from tests.factories import ConnectionFactory, ManagerConnectionFactory, StaffGrantFactory, UserFactory

pytestmark = pytest.mark.django_db

OTHER_MANAGER_ID, OTHER_GROUP_ID, OUTSIDER_ID = 200002, 9002, 400001


def other_groups_token(standin) -> str:
    return standin.token(user_id=OTHER_MANAGER_ID, scopes=["profile_gallery", "account_information"])["access_token"]


def test_a_manager_pasting_another_groups_token_takes_no_staff_along(manager, staff, agency, standin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        moved = connection_connect_with_token(user=manager, access_token=other_groups_token(standin))

    assert moved.pk == agency.pk and moved.group_id == OTHER_GROUP_ID
    assert not agency_connections_for(user=staff).exists()
    assert member_actable_by(user=staff, member_user_id=OUTSIDER_ID) is None
    # The manager acts for the new group, whose roster was loaded; the old group's members are set aside.
    assert member_actable_by(user=manager, member_user_id=OUTSIDER_ID) is not None
    assert member_actable_by(user=manager, member_user_id=300001) is None
    assert not moved.members.filter(aw_user_id=300001, is_stale=False).exists()


def test_an_administrator_confirming_the_grant_for_the_new_group_lets_staff_act_again(manager, staff, agency, standin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        moved = connection_connect_with_token(user=manager, access_token=other_groups_token(standin))

    grant = staff_grant_give(connection=moved, user=staff)

    assert (grant.group_id, grant.manager_aw_user_id, grant.applies) == (OTHER_GROUP_ID, OTHER_MANAGER_ID, True)
    assert StaffGrant.objects.count() == 1
    assert member_actable_by(user=staff, member_user_id=OUTSIDER_ID).connection == moved


def test_reconnecting_to_the_same_group_keeps_the_grants(manager, staff, agency, standin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        connection_connect_with_token(user=manager, access_token="demo-manager-token")
    assert member_actable_by(user=staff, member_user_id=300001).connection == agency


def test_a_grant_needs_a_group_managers_connection_and_someone_else_than_its_owner(agency):
    with pytest.raises(PortalError, match="not a group manager"):
        staff_grant_give(connection=ConnectionFactory(), user=UserFactory())
    with pytest.raises(PortalError, match="own user"):
        staff_grant_give(connection=agency, user=agency.user)


def as_admin(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_the_admin_lists_grants_per_group_and_says_which_wait_for_confirmation(client, agency):
    other = ManagerConnectionFactory(group_id=OTHER_GROUP_ID, aw_user_id=OTHER_MANAGER_ID, group_name="Other Agency")
    StaffGrantFactory(connection=agency, user=UserFactory(username="alice"))
    StaffGrantFactory(connection=other, user=UserFactory(username="bob"), group_id=9003)  # the connection moved since
    as_admin(client)

    page = client.get(reverse("admin:albums_staffgrant_changelist"), {"group_id": 9001}).content.decode()
    assert "alice" in page and "bob" not in page
    everything = client.get(reverse("admin:albums_staffgrant_changelist")).content.decode()
    assert everything.count('alt="True"') == 1 and everything.count('alt="False"') == 1


def test_granting_in_the_admin_takes_the_connections_current_group(client, agency):
    staff = UserFactory(username="carol")
    as_admin(client)

    response = client.post(reverse("admin:albums_staffgrant_add"), {"connection": agency.pk, "user": staff.pk})

    assert response.status_code == 302
    grant = StaffGrant.objects.get()
    assert (grant.group_id, grant.group_name, grant.manager_aw_user_id) == (9001, "Demo Agency", 200001)


def test_the_admin_refuses_a_grant_of_a_connection_that_manages_no_group(client):
    plain = ConnectionFactory()
    as_admin(client)
    response = client.post(reverse("admin:albums_staffgrant_add"), {"connection": plain.pk, "user": UserFactory().pk})
    assert response.status_code == 200 and "not a group manager" in response.content.decode()
    assert not StaffGrant.objects.exists()


def test_the_admin_action_confirms_grants_for_the_connections_current_group(client, agency):
    grant = StaffGrantFactory(connection=agency, group_id=9003)
    as_admin(client)

    client.post(
        reverse("admin:albums_staffgrant_changelist"), {"action": "confirm", "_selected_action": [grant.pk]}
    )

    grant.refresh_from_db()
    assert grant.group_id == 9001 and grant.applies
