"""Editing and removing albums against the stand-in: one request, one record, the outcome never guessed."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings

from albums import adultwork as aw
from albums.crypto import secret_decrypt
from albums.errors import PortalError
from albums.models import AlbumRecord
from albums.services.album_changes import album_edit, album_remove
from albums.services.albums import album_create
from albums.services.reconcile import album_record_check
from tests.factories import FIRST_GROUP_MEMBER_ID, OUTSIDER_ID

pytestmark = pytest.mark.django_db

SEEDED = 5000001  # demo_member's "Holiday 2026", made outside the portal
Status = AlbumRecord.Status


def edit(user, album_id=SEEDED, key=None, **fields):
    album = aw.AlbumInput(**{"name": "Renamed", **fields})
    return album_edit(user=user, album_id=album_id, album=album, submission_key=key or uuid.uuid4())


def remove(user, album_id=SEEDED, key=None, remove_pictures=False, member_user_id=None):
    return album_remove(
        user=user, album_id=album_id, remove_pictures=remove_pictures, member_user_id=member_user_id,
        submission_key=key or uuid.uuid4(),
    )


def long_ago(record):
    record.completed_at -= timedelta(seconds=settings.AW_OUTCOME_SETTLE_SECONDS + 60)
    record.save(update_fields=["completed_at"])
    return record


def test_an_edit_is_a_record_of_its_own_with_the_pin_kept_encrypted(connected_user, standin):
    record = edit(connected_user, description="New words", pin_number="Qx7r", pin_price=Decimal("2.5"))

    assert (record.kind, record.status, record.album_id) == ("edit", Status.CREATED, SEEDED)
    assert (record.name, record.album_name, record.album_description) == ("Renamed", "Renamed", "New words")
    assert secret_decrypt(record.pin_number_encrypted) == "Qx7r"
    sent = standin.requests("updatealbum")[-1]["json"]
    assert sent == {"AlbumID": SEEDED, "Name": "Renamed", "Description": "New words", "PinNumber": "Qx7r", "PINPrice": 2.5}
    assert (standin.albums(100001)[0]["AlbumName"], standin.albums(100001)[0]["PinNumber"]) == ("Renamed", "Qx7r")


def test_the_same_edit_submitted_twice_is_sent_once(connected_user, standin):
    key = uuid.uuid4()
    first = edit(connected_user, key=key)
    assert edit(connected_user, key=key, name="Other").pk == first.pk
    assert len(standin.requests("updatealbum")) == 1


def test_an_album_not_listed_is_refused_before_anything_is_recorded(connected_user, standin):
    with pytest.raises(PortalError, match="lists no album 999"):
        edit(connected_user, album_id=999)
    assert not AlbumRecord.objects.exists() and standin.requests("updatealbum") == []


def test_a_refused_edit_is_failed_with_the_api_s_words(connected_user, standin):
    standin.fault("error", status=400, match="updatealbum", body={"Message": "The request is invalid.", "ModelState": {"request.Name": ["Too long."]}})
    with pytest.raises(PortalError) as caught:
        edit(connected_user)
    assert caught.value.record.status == Status.FAILED and caught.value.field_errors == {"Name": ["Too long."]}


def test_an_edit_whose_answer_is_lost_is_settled_by_the_name_it_sent(connected_user, standin):
    standin.fault("slow", match="updatealbum", delay=1.5)

    record = edit(connected_user, name="Slow rename")

    assert record.status == Status.CREATED and record.checked_at is not None  # the automatic check found it
    assert len(standin.requests("updatealbum")) == 1


def test_an_edit_that_never_arrived_is_proven_absent_only_after_the_settle_time(connected_user, standin):
    standin.fault("error", status=500, match="updatealbum", times=1)  # nothing changed at AdultWork
    with pytest.raises(PortalError) as caught:
        edit(connected_user, name="Lost")
    record = caught.value.record
    assert record.status == Status.UNKNOWN

    assert "yet" in album_record_check(user=connected_user, record=record).message
    outcome = album_record_check(user=connected_user, record=long_ago(record))
    assert outcome.record.status == Status.FAILED and outcome.record.confirmed_absent_at is not None
    assert "did not go through" in outcome.message and not outcome.record.can_send_again
    assert len(standin.requests("updatealbum")) == 1


def test_an_edit_of_the_pin_alone_cannot_be_read_back_and_says_so(connected_user, standin):
    standin.fault("error", status=500, match="updatealbum", times=1, process=True)
    with pytest.raises(PortalError) as caught:
        edit(connected_user, name="Holiday 2026", description="Made on AdultWork.com, not through the portal", pin_number="Qx7r", pin_price=Decimal(1))
    outcome = album_record_check(user=connected_user, record=long_ago(caught.value.record))
    assert outcome.record.status == Status.UNKNOWN
    assert "cannot tell whether the edit went through" in outcome.message


def test_a_removal_marks_the_create_that_made_the_album(connected_user, standin):
    created = album_create(user=connected_user, album=aw.AlbumInput(name="Spring"), submission_key=uuid.uuid4())

    record = remove(connected_user, album_id=created.album_id, remove_pictures=True)

    assert (record.kind, record.status, record.name, record.remove_pictures) == ("remove", Status.CREATED, "Spring", True)
    assert standin.requests("removealbum")[-1]["json"] == {"AlbumID": created.album_id, "RemoveAllPictures": True}
    created.refresh_from_db()
    assert created.remote_missing_since is not None


def test_a_double_clicked_removal_sends_once_and_returns_the_first_record(connected_user, standin):
    key = uuid.uuid4()
    first = remove(connected_user, key=key)
    # The album is gone now; the second click still finds its record rather than an error.
    assert remove(connected_user, key=key).pk == first.pk
    assert len(standin.requests("removealbum")) == 1


def test_a_removal_whose_answer_is_lost_is_settled_by_the_album_being_gone(connected_user, standin):
    standin.fault("drop", match="removealbum", process=True)

    record = remove(connected_user)

    assert record.status == Status.CREATED and "lost" in record.error_message
    assert standin.albums(100001) == [] and len(standin.requests("removealbum")) == 1


def test_a_removal_that_did_not_happen_is_proven_so_after_the_settle_time(connected_user, standin):
    standin.fault("error", status=502, match="removealbum", times=1)
    with pytest.raises(PortalError) as caught:
        remove(connected_user)
    outcome = album_record_check(user=connected_user, record=long_ago(caught.value.record))
    assert outcome.record.status == Status.FAILED and "it was not removed" in outcome.message


def test_staff_edit_and_remove_a_member_s_album_through_the_groups_twins(staff, standin):
    member = FIRST_GROUP_MEMBER_ID + 1
    created = album_create(user=staff, member_user_id=member, album=aw.AlbumInput(name="For 2"), submission_key=uuid.uuid4())

    edited = album_edit(user=staff, album_id=created.album_id, member_user_id=member, album=aw.AlbumInput(name="For two"), submission_key=uuid.uuid4())
    removed = remove(staff, album_id=created.album_id, member_user_id=member)

    assert (edited.for_member, edited.aw_user_id, removed.status) == (True, member, Status.CREATED)
    assert standin.requests("updatealbum")[-1]["path"] == "/v1/Groups/Pictures/UpdateAlbum"
    assert standin.requests("removealbum")[-1]["json"]["UserID"] == member
    assert standin.albums(member) == []


def test_staff_may_not_touch_an_album_of_someone_outside_their_agencies(staff, standin):
    with pytest.raises(PortalError, match="may not change albums for AdultWork member 400001"):
        remove(staff, member_user_id=OUTSIDER_ID)
    assert not AlbumRecord.objects.exists() and standin.requests("/v1/") == []
