"""Unknown outcomes are settled by reading AdultWork's album list, and never by sending again on our own."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
import requests
from django.conf import settings
from django.utils import timezone

from albums.errors import PortalError
from albums.models import AlbumRecord
from albums.services.albums import album_create, album_record_send_again
from albums.services.reconcile import album_record_check
from tests.factories import AlbumInputFactory, AlbumRecordFactory, ConnectionFactory
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db

CREATE = "CreateAlbum"


def unknown_attempt(user, standin, fault="error", **fields) -> AlbumRecord:
    """An attempt whose CreateAlbum call ends unknown, with nothing created at AdultWork."""
    standin.fault(fault, match=CREATE, times=1, **({"status": 500} if fault == "error" else {}))
    with pytest.raises(PortalError) as caught:
        album_create(user=user, album=AlbumInputFactory(**fields), submission_key=uuid.uuid4())
    record = caught.value.record
    assert record.status == AlbumRecord.Status.UNKNOWN
    return record


def settled_long_ago(record: AlbumRecord) -> AlbumRecord:
    """As if the portal had stopped waiting for the answer longer ago than the settle time."""
    record.completed_at -= timedelta(seconds=settings.AW_OUTCOME_SETTLE_SECONDS + 60)
    record.save(update_fields=["completed_at"])
    return record


def create_at_adultwork(standin, name="Look", description=None, *, token="demo-member-token", member_id=None) -> int:
    body = {"Name": name, **({"Description": description} if description else {})}
    path = "/v1/Pictures/CreateAlbum"
    if member_id is not None:
        body, path = {"UserID": member_id, **body}, "/v1/Groups/Pictures/CreateAlbum"
    response = requests.post(standin.url + path, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()["AlbumID"]


def test_a_timeout_after_the_album_was_stored_is_settled_at_once_by_the_automatic_check(connected_user, standin):
    standin.fault("slow", match=CREATE, delay=1.5)

    record = album_create(user=connected_user, album=AlbumInputFactory(description="Mine"), submission_key=uuid.uuid4())

    remote = [a for a in standin.albums(100001) if a["AlbumName"] == "Look"]
    assert record.status == AlbumRecord.Status.CREATED and record.album_id == remote[0]["AlbumID"]
    assert record.album_description == "Mine" and record.checked_at is not None
    assert "did not answer in time" in record.error_message  # what happened stays in the history
    assert len(standin.requests(CREATE)) == 1 and len(standin.requests("GetAlbums")) == 1


def test_a_check_right_after_a_timeout_never_proves_absence_even_when_the_album_comes_later(connected_user, standin, settings):
    settings.AW_OUTCOME_SETTLE_SECONDS = 0  # even then: the automatic check is not the user's
    standin.fault("late", match=CREATE, delay=2.0)

    with pytest.raises(PortalError, match="cannot tell whether"):
        album_create(user=connected_user, album=AlbumInputFactory(name="Late"), submission_key=uuid.uuid4())

    record = AlbumRecord.objects.get()
    assert record.status == AlbumRecord.Status.UNKNOWN and record.checked_at is not None
    assert record.confirmed_absent_at is None and not record.can_send_again
    assert wait_for(lambda: any(a["AlbumName"] == "Late" for a in standin.albums(100001)))

    outcome = album_record_check(user=connected_user, record=record)

    assert outcome.record.status == AlbumRecord.Status.CREATED
    assert "It was created" in outcome.message
    assert len(standin.requests(CREATE)) == 1


def test_a_user_check_before_the_settle_time_finds_nothing_and_proves_nothing(connected_user, standin):
    record = unknown_attempt(connected_user, standin)

    outcome = album_record_check(user=connected_user, record=record)

    record.refresh_from_db()
    assert record.status == AlbumRecord.Status.UNKNOWN and record.confirmed_absent_at is None
    assert "does not list this album yet" in outcome.message and "check again from" in outcome.message


def test_a_user_check_after_the_settle_time_confirms_absence(connected_user, standin):
    record = settled_long_ago(unknown_attempt(connected_user, standin))

    outcome = album_record_check(user=connected_user, record=record)

    record.refresh_from_db()
    assert record.status == AlbumRecord.Status.FAILED
    assert record.confirmed_absent_at == record.checked_at is not None
    assert record.can_send_again and "nothing was created" in outcome.message
    assert standin.requests(CREATE)[-1]["status"] == 500 and len(standin.requests(CREATE)) == 1


def test_an_automatic_check_after_the_settle_time_still_proves_nothing(connected_user, standin):
    record = settled_long_ago(unknown_attempt(connected_user, standin))

    album_record_check(user=connected_user, record=record, by_user=False)

    record.refresh_from_db()
    assert record.status == AlbumRecord.Status.UNKNOWN and record.confirmed_absent_at is None


def test_an_album_already_linked_to_another_record_is_not_this_attempts(connected_user, standin):
    AlbumRecordFactory(created_by=connected_user, name="Look", album_id=create_at_adultwork(standin, "Look"))
    record = settled_long_ago(unknown_attempt(connected_user, standin))

    album_record_check(user=connected_user, record=record)

    record.refresh_from_db()
    assert record.status == AlbumRecord.Status.FAILED and record.confirmed_absent_at is not None


def test_an_album_with_another_description_is_not_this_attempts(connected_user, standin):
    create_at_adultwork(standin, "Look", "Other words")
    record = unknown_attempt(connected_user, standin, description="My words")

    album_record_check(user=connected_user, record=record)

    record.refresh_from_db()
    assert record.status == AlbumRecord.Status.UNKNOWN


def test_several_matching_albums_are_named_and_nothing_is_guessed(connected_user, standin):
    record = settled_long_ago(unknown_attempt(connected_user, standin))
    ids = [create_at_adultwork(standin), create_at_adultwork(standin)]

    outcome = album_record_check(user=connected_user, record=record)

    record.refresh_from_db()
    assert record.status == AlbumRecord.Status.UNKNOWN and record.album_id is None
    assert f"AlbumIDs {ids[0]}, {ids[1]}" in outcome.message


def test_an_album_that_a_twin_still_in_flight_may_have_made_is_not_taken(connected_user, standin):
    record = unknown_attempt(connected_user, standin)
    AlbumRecordFactory(
        created_by=connected_user, name="Look", status=AlbumRecord.Status.PENDING, album_id=None, created_at=timezone.now()
    )
    create_at_adultwork(standin)

    outcome = album_record_check(user=connected_user, record=record)

    record.refresh_from_db()
    assert record.status == AlbumRecord.Status.UNKNOWN and "still waiting" in outcome.message


def test_a_pending_record_left_behind_by_a_dead_process_can_be_settled(connected_user, standin):
    album_id = create_at_adultwork(standin)
    record = AlbumRecordFactory(
        created_by=connected_user, name="Look", status=AlbumRecord.Status.PENDING, album_id=None,
        created_at=timezone.now() - timedelta(minutes=5),
    )
    assert record.can_check

    album_record_check(user=connected_user, record=record)

    record.refresh_from_db()
    assert record.status == AlbumRecord.Status.CREATED and record.album_id == album_id


def test_a_pending_record_still_in_flight_is_not_checked(connected_user, standin):
    record = AlbumRecordFactory(created_by=connected_user, status=AlbumRecord.Status.PENDING, album_id=None)

    outcome = album_record_check(user=connected_user, record=record)

    assert "already known" in outcome.message and standin.requests("GetAlbums") == []


def test_a_member_record_is_checked_on_the_groups_twin(standin):
    manager = ConnectionFactory(access_token="demo-manager-token", aw_user_id=200001).user
    record = AlbumRecordFactory(
        created_by=manager, aw_user_id=300007, acting_aw_user_id=200001, name="For member",
        status=AlbumRecord.Status.UNKNOWN, album_id=None, completed_at=timezone.now(),
    )
    album_id = create_at_adultwork(standin, "For member", token="demo-manager-token", member_id=300007)

    album_record_check(user=manager, record=record)

    record.refresh_from_db()
    assert record.status == AlbumRecord.Status.CREATED and record.album_id == album_id
    sent = standin.requests("GetAlbums")[-1]
    assert sent["path"].lower() == "/v1/groups/pictures/getalbums" and sent["query"]["UserID"] == "300007"


def test_a_list_that_cannot_be_read_leaves_the_record_as_it_was(connected_user, standin):
    record = unknown_attempt(connected_user, standin)
    standin.fault("error", status=500, match="GetAlbums")

    with pytest.raises(PortalError, match="could not be read; check again"):
        album_record_check(user=connected_user, record=record)

    record.refresh_from_db()
    assert record.status == AlbumRecord.Status.UNKNOWN


def test_a_check_needs_a_connection_to_the_account_that_made_the_attempt(connected_user, standin):
    record = unknown_attempt(connected_user, standin)
    connected_user.aw_connection.delete()
    ConnectionFactory(user=connected_user, access_token="demo-manager-token", aw_user_id=200001)

    with pytest.raises(PortalError, match="made as AdultWork account 100001"):
        album_record_check(user=connected_user, record=record)
    assert standin.requests("GetAlbums")[-1]["headers"]["Authorization"] == "Bearer demo-member-token"


def test_sending_again_is_refused_until_absence_is_proven(connected_user, standin):
    record = unknown_attempt(connected_user, standin)

    with pytest.raises(PortalError, match="known never to have received"):
        album_record_send_again(user=connected_user, record=record)
    assert len(standin.requests(CREATE)) == 1


def test_sending_again_makes_one_new_linked_attempt_with_the_same_input(connected_user, standin):
    record = unknown_attempt(connected_user, standin, description="Words", pin_number="q9Z4", pin_price=Decimal("2.5"))
    album_record_check(user=connected_user, record=settled_long_ago(record))
    record.refresh_from_db()

    again = album_record_send_again(user=connected_user, record=record)
    twice = album_record_send_again(user=connected_user, record=AlbumRecord.objects.get(pk=record.pk))

    assert again.pk == twice.pk and again.retry_of == record and again.submission_key != record.submission_key
    assert again.status == AlbumRecord.Status.CREATED
    sent = [r["json"] for r in standin.requests(CREATE)]
    assert len(sent) == 2 and sent[0] == sent[1] == {"Name": "Look", "Description": "Words", "PinNumber": "q9Z4", "PINPrice": 2.5}
    record.refresh_from_db()
    assert record.next_attempt == again and not record.can_send_again


def test_two_checks_cannot_settle_two_records_with_one_album(connected_user, standin):
    first = unknown_attempt(connected_user, standin)
    second = unknown_attempt(connected_user, standin)
    create_at_adultwork(standin)

    album_record_check(user=connected_user, record=first)
    album_record_check(user=connected_user, record=second)

    statuses = sorted(AlbumRecord.objects.values_list("status", flat=True))
    assert statuses == [AlbumRecord.Status.CREATED, AlbumRecord.Status.UNKNOWN]



def test_a_member_attempt_proven_absent_is_sent_again_for_that_member_by_granted_staff(staff, standin):
    standin.fault("error", status=500, match=CREATE, times=1)
    with pytest.raises(PortalError):
        album_create(user=staff, member_user_id=300003, album=AlbumInputFactory(name="For member"), submission_key=uuid.uuid4())
    record = settled_long_ago(AlbumRecord.objects.get())
    album_record_check(user=staff, record=record)
    record.refresh_from_db()

    again = album_record_send_again(user=staff, record=record)

    assert again.status == AlbumRecord.Status.CREATED and again.retry_of == record
    assert (again.aw_user_id, again.acting_aw_user_id, again.for_member) == (300003, 200001, True)
    sent = standin.requests(CREATE)[-1]
    assert sent["path"].lower() == "/v1/groups/pictures/createalbum" and sent["json"]["UserID"] == 300003
    assert sent["headers"]["Authorization"] == "Bearer demo-manager-token"
