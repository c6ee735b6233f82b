"""The AlbumRecord state machine: each transition moves a record only out of a state it leaves from."""

import uuid

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from albums import adultwork as aw
from albums.models import AlbumRecord
from albums.services.records import (
    ImpossibleTransition,
    album_record_claim,
    album_record_mark_absent,
    album_record_mark_answered,
    album_record_mark_checked,
    album_record_mark_created,
    album_record_mark_failed,
    album_record_mark_unknown,
)
from tests.factories import AlbumRecordFactory, ConnectionFactory

pytestmark = pytest.mark.django_db

Status = AlbumRecord.Status
ALBUM = aw.PictureAlbum(
    user_id=100001, album_id=777, album_name="Look", album_description=None,
    album_size=0, sequence=1, thumb_url=None, picture_ids=None,
)
TRANSITIONS = {
    "failed": lambda record: album_record_mark_failed(record=record, message="refused"),
    "unknown": lambda record: album_record_mark_unknown(record=record, message="timed out"),
    "created": lambda record: album_record_mark_created(record=record, album=ALBUM),
    "answered": lambda record: album_record_mark_answered(record=record, album=ALBUM),
    "absent": lambda record: album_record_mark_absent(record=record, checked_at=timezone.now()),
    "checked": lambda record: album_record_mark_checked(record=record, checked_at=timezone.now()),
}
# Which states each transition leaves from: the answer settles a pending record only; a check
# settles (or notes) a pending or unknown one; nothing leaves created or failed.
ALLOWED = {
    "failed": {Status.PENDING},
    "unknown": {Status.PENDING},
    "created": {Status.PENDING, Status.UNKNOWN},
    "answered": {Status.PENDING},
    "absent": {Status.PENDING, Status.UNKNOWN},
    "checked": {Status.PENDING, Status.UNKNOWN},
}
ENDS = {
    "failed": Status.FAILED,
    "unknown": Status.UNKNOWN,
    "created": Status.CREATED,
    "answered": Status.CREATED,
    "absent": Status.FAILED,
}


def record_in(status: str) -> AlbumRecord:
    return AlbumRecordFactory(status=status, album_id=None)


@pytest.mark.parametrize("transition", ALLOWED)
@pytest.mark.parametrize("status", [Status.PENDING, Status.UNKNOWN, Status.CREATED, Status.FAILED])
def test_each_transition_leaves_only_from_its_states_and_refuses_the_rest_unchanged(transition, status):
    record = record_in(status)

    if status in ALLOWED[transition]:
        TRANSITIONS[transition](record)
        record.refresh_from_db()
        assert record.status == ENDS.get(transition, status)
    else:
        with pytest.raises(ImpossibleTransition):
            TRANSITIONS[transition](record)
        record.refresh_from_db()
        assert record.status == status and record.error_message == "" and record.checked_at is None


def test_an_album_found_by_a_check_records_when_and_what():
    record = record_in(Status.UNKNOWN)
    checked_at = timezone.now()

    album_record_mark_created(record=record, album=ALBUM, checked_at=checked_at)

    record.refresh_from_db()
    assert (record.album_id, record.album_name, record.checked_at) == (777, "Look", checked_at)


def test_an_answer_keeps_what_was_cut_from_it_as_notes():
    record = record_in(Status.PENDING)

    album_record_mark_answered(record=record, album=aw.PictureAlbum.from_data({"UserID": 1, "AlbumID": 5, "AlbumName": "n" * 300}))

    record.refresh_from_db()
    assert record.status == Status.CREATED and len(record.album_name) == 200
    assert record.answer_notes.startswith("AlbumName was 300 characters long")


def test_an_answer_naming_an_album_another_record_holds_ends_unknown_saying_which():
    holder = AlbumRecordFactory(album_id=ALBUM.album_id)
    record = record_in(Status.PENDING)

    album_record_mark_answered(record=record, album=ALBUM)

    record.refresh_from_db()
    assert record.status == Status.UNKNOWN and record.album_id is None and record.can_check
    assert f"AlbumID 777, but that album is already the outcome of record #{holder.pk}" in record.error_message


def test_proven_absence_is_failed_with_the_proof_that_allows_sending_again():
    record = record_in(Status.UNKNOWN)

    album_record_mark_absent(record=record, checked_at=timezone.now())

    record.refresh_from_db()
    assert record.confirmed_absent_at == record.checked_at and record.can_send_again


def test_a_second_claim_of_one_submission_finds_the_first_record():
    connection = ConnectionFactory()
    key = uuid.uuid4()
    claim = lambda: album_record_claim(  # noqa: E731
        user=connection.user, submission_key=key, connection=connection, member=None, album=aw.AlbumInput(name="Look")
    )

    (first, claimed), (again, claimed_again) = claim(), claim()

    assert (claimed, claimed_again) == (True, False) and first == again and first.status == Status.PENDING


def test_an_answer_writes_its_outcome_and_leaves_the_definition_as_the_claim_wrote_it():
    own = ConnectionFactory()
    record, claimed = album_record_claim(
        user=own.user, submission_key=uuid.uuid4(), connection=own, member=None, album=aw.AlbumInput(name="Sent")
    )
    AlbumRecord.objects.filter(pk=record.pk).update(description="written elsewhere meanwhile")
    answer = aw.PictureAlbum(
        user_id=own.aw_user_id, album_id=5123, album_name="Sent", album_description="", album_size=0,
        sequence=3, thumb_url=None, picture_ids=None,
    )

    with CaptureQueriesContext(db_connection) as queries:
        album_record_mark_answered(record=record, album=answer)

    record.refresh_from_db()
    assert claimed and record.status == Status.CREATED and record.album_id == 5123 and record.sequence == 3
    assert record.description == "written elsewhere meanwhile"
    (update,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert '"name"' not in update.split(" WHERE ")[0]
