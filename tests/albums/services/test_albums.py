"""album_create against the stand-in: one request, one record, the right outcome."""

import uuid
from decimal import Decimal

import pytest

from albums.crypto import secret_decrypt
from albums.errors import PortalError
from albums.models import AlbumRecord
from albums.services.albums import album_create
from tests.factories import AlbumInputFactory, ConnectionFactory, UserFactory

pytestmark = pytest.mark.django_db


def create(user, member_user_id=None, submission_key=None, **fields):
    return album_create(
        user=user, member_user_id=member_user_id, album=AlbumInputFactory(**fields), submission_key=submission_key or uuid.uuid4()
    )


def test_records_the_album_the_api_created(connected_user, standin):
    record = create(connected_user, name="Look at my pictures", description="My new album!")

    record.refresh_from_db()
    remote = standin.albums(100001)[-1]
    assert record.status == AlbumRecord.Status.CREATED
    assert record.album_id == remote["AlbumID"]
    assert (record.album_name, record.album_description) == ("Look at my pictures", "My new album!")
    assert record.aw_user_id == record.acting_aw_user_id == 100001
    assert record.completed_at is not None


def test_the_pin_is_sent_to_the_api_and_kept_only_encrypted(connected_user, standin):
    record = create(connected_user, pin_number="q9Z4", pin_price=Decimal("2.500"))

    sent = standin.requests("createalbum")[-1]["json"]
    assert sent["PinNumber"] == "q9Z4"
    record.refresh_from_db()
    assert "q9Z4" not in record.pin_number_encrypted
    assert secret_decrypt(record.pin_number_encrypted) == "q9Z4"
    assert record.pin_price == Decimal("2.5")


def test_a_repeated_submission_returns_the_first_record_without_sending_again(connected_user, standin):
    key = uuid.uuid4()
    first = create(connected_user, submission_key=key)
    again = create(connected_user, submission_key=key, name="Changed")

    assert again.pk == first.pk
    assert len(standin.requests("createalbum")) == 1


def test_without_a_connection_nothing_is_sent_or_recorded(standin):
    user = UserFactory()
    with pytest.raises(PortalError, match="Connect your AdultWork account"):
        create(user)
    assert not AlbumRecord.objects.exists()
    assert standin.requests("createalbum") == []


@pytest.mark.parametrize(
    ("fault", "status", "says"),
    [
        ({"kind": "error", "status": 500}, "unknown", "cannot tell whether"),
        ({"kind": "html", "status": 502}, "unknown", "HTML error page"),
        ({"kind": "html", "status": 503}, "failed", "Nothing was created"),
        ({"kind": "malformed_json"}, "unknown", "could not be read"),
        ({"kind": "rate_limit", "retry_after": 30}, "failed", "try again in 30 seconds"),
        ({"kind": "slow", "delay": 1.5}, "unknown", "did not answer in time"),
        ({"kind": "drop"}, "unknown", "connection to AdultWork was lost"),
    ],
)
def test_each_failure_is_recorded_with_its_status_and_message(connected_user, standin, fault, status, says):
    standin.fault(**fault)

    with pytest.raises(PortalError) as caught:
        create(connected_user)

    record = AlbumRecord.objects.get()
    assert caught.value.record == record
    assert record.status == status
    assert says in record.error_message
    assert len(standin.requests("createalbum")) == 1


def test_refused_input_is_failed_with_the_field_messages(connected_user, standin):
    with pytest.raises(PortalError) as caught:
        create(connected_user, pin_number="12", pin_price=Decimal("1"))  # past the form: the API's own refusal

    assert "PinNumber" in caught.value.field_errors
    record = AlbumRecord.objects.get()
    assert record.status == AlbumRecord.Status.FAILED
    assert "PinNumber:" in record.error_message


def test_an_expired_pasted_token_fails_with_reconnect_advice(standin):
    user = ConnectionFactory(access_token="demo-expired-token").user
    with pytest.raises(PortalError, match="Connect your AdultWork account again"):
        create(user)
    assert AlbumRecord.objects.get().status == AlbumRecord.Status.FAILED


def test_a_token_the_keys_cannot_decrypt_is_never_sent(connected_user, standin, settings):
    settings.AW_TOKEN_KEYS = ["5K0y0o0bbVf0Ly3G3oQ8n7n6o2Yh1YvJmQyq8Z0y7cU="]
    with pytest.raises(PortalError, match="can no longer be read"):
        create(connected_user)
    assert standin.requests("createalbum") == []
    assert AlbumRecord.objects.get().status == AlbumRecord.Status.FAILED


# --- For a group member, through a manager connection -----------------------------------------------


def test_a_manager_creates_for_a_member_through_the_groups_endpoint(manager, agency, standin):
    record = create(manager, member_user_id=300004, name="For four", description="Hi")

    [sent] = standin.requests("createalbum")
    assert (sent["method"], sent["path"]) == ("POST", "/v1/Groups/Pictures/CreateAlbum")
    assert sent["json"] == {"UserID": 300004, "Name": "For four", "Description": "Hi"}
    assert sent["headers"]["Authorization"] == "Bearer demo-manager-token"
    assert [a["AlbumID"] for a in standin.albums(300004)] == [record.album_id]
    record.refresh_from_db()
    assert (record.created_by, record.aw_user_id, record.acting_aw_user_id) == (manager, 300004, 200001)
    assert (record.connection, record.for_member, record.member_nickname) == (agency, True, "member004")


def test_granted_staff_create_for_a_member_with_the_managers_token(staff, agency, standin):
    record = create(staff, member_user_id=300002)

    assert standin.requests("createalbum")[0]["headers"]["Authorization"] == "Bearer demo-manager-token"
    assert (record.created_by, record.connection, record.status) == (staff, agency, AlbumRecord.Status.CREATED)


def refused(user, member_user_id, standin):
    with pytest.raises(PortalError, match="may not create albums for AdultWork member"):
        create(user, member_user_id=member_user_id)
    assert not AlbumRecord.objects.exists()
    assert standin.requests() == []


def test_a_member_outside_the_roster_is_refused_before_any_request(manager, standin):
    refused(manager, 400001, standin)


def test_a_stale_member_is_refused_before_any_request(manager, agency, standin):
    agency.members.filter(aw_user_id=300003).update(is_stale=True)
    refused(manager, 300003, standin)


def test_someone_who_manages_no_group_is_refused_before_any_request(connected_user, agency, standin):
    refused(connected_user, 300001, standin)


def test_staff_without_a_grant_are_refused_before_any_request(agency, standin):
    refused(UserFactory(), 300001, standin)


def test_a_grant_on_a_connection_that_no_longer_manages_a_group_gives_nothing(staff, agency, standin):
    agency.is_group_manager = False
    agency.save()
    refused(staff, 300001, standin)


# --- An unexpected answer (issue 11, item 5): never a 500, never a record left in progress ------------

CREATED_ANSWER = {"UserID": 100001, "AlbumID": 987654, "AlbumName": "Look", "AlbumDescription": "", "AlbumSize": 0, "Sequence": 0}


def answer_with(standin, **fields):
    """CreateAlbum answers 200 with this PictureAlbum (the stand-in creates nothing)."""
    standin.fault("error", match="CreateAlbum", status=200, times=1, body={**CREATED_ANSWER, **fields})


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("fields", "stored"),
    [
        ({"AlbumName": "n" * 250}, {"album_name": "n" * 199 + "\u2026"}),
        ({"ThumbUrl": "https://x/" + "t" * 600}, {"thumb_url": "https://x/" + "t" * 489 + "\u2026"}),
        ({"AlbumName": "Lo\x00ok"}, {"album_name": "Look"}),
        ({"AlbumDescription": "a\x00b\ud800"}, {"album_description": "ab\ufffd"}),
        ({"PictureIDs": "1,\x002"}, {"picture_ids": "1,2"}),
        ({"AlbumSize": 2**31}, {"album_size": 2**31}),
        ({"AlbumSize": 2**63}, {"album_size": None}),
        ({"Sequence": -(2**70)}, {"sequence": None}),
    ],
)
def test_an_answer_out_of_range_is_stored_cleaned_with_a_note(connected_user, standin, client, fields, stored):
    answer_with(standin, **fields)

    record = create(connected_user)

    record.refresh_from_db()
    assert record.status == AlbumRecord.Status.CREATED and record.album_id == 987654
    assert {name: getattr(record, name) for name in stored} == stored
    # A bigint holds any AlbumSize .NET could send, so only what was changed carries a note.
    noted = stored != {"album_size": 2**31}
    assert record.answer_notes.startswith(next(iter(fields))) if noted else record.answer_notes == ""
    client.force_login(connected_user)
    assert client.get(record.get_absolute_url()).status_code == 200


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"AlbumID": 2**63}, "AlbumID 9223372036854775808 is not an ID"),
        ({"AlbumID": "12\x00"}, "AlbumID 12 is not an ID"),
        ({"AlbumID": 1.5}, "AlbumID 1.5 is not an ID"),
        ({"UserID": -(2**63) - 1}, "UserID -9223372036854775809 is not an ID"),
    ],
)
def test_an_answer_whose_album_cannot_be_identified_leaves_the_outcome_unknown_with_the_reason(
    connected_user, standin, fields, reason
):
    answer_with(standin, **fields)

    with pytest.raises(PortalError) as caught:
        create(connected_user)

    record = AlbumRecord.objects.get()
    assert caught.value.record == record
    assert record.status == AlbumRecord.Status.UNKNOWN and record.can_check
    assert reason in record.error_message and "\x00" not in record.error_message


@pytest.mark.postgres
def test_an_albumid_another_record_holds_leaves_the_outcome_unknown_and_says_which(connected_user, standin):
    first = create(connected_user, name="First")
    answer_with(standin, AlbumID=first.album_id)

    with pytest.raises(PortalError) as caught:
        create(connected_user)

    record = caught.value.record
    record.refresh_from_db()
    assert record.status == AlbumRecord.Status.UNKNOWN and record.album_id is None and record.can_check
    assert f"AlbumID {first.album_id}" in record.error_message and f"#{first.pk}" in record.error_message


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("body", "kept"),
    [({"Message": "No\x00pe " + "x" * 5000}, "Nope"), ({"Message": "", "ModelState": {"request.Name\x00": ["Bad\x00"] * 500}}, "Bad")],
)
def test_an_error_message_with_a_nul_or_of_any_size_is_kept_cleaned_and_cut(connected_user, standin, body, kept):
    standin.fault("error", match="CreateAlbum", status=400, times=1, body=body)

    with pytest.raises(PortalError):
        create(connected_user)

    record = AlbumRecord.objects.get()
    assert record.status == AlbumRecord.Status.FAILED
    assert kept in record.error_message and "\x00" not in record.error_message and len(record.error_message) < 1200
