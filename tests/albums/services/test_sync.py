import uuid

import pytest
from django.urls import reverse

from albums.errors import PortalError
from albums.models import AlbumRecord
from albums.services.albums import album_create
from albums.services.sync import album_records_sync
from tests.factories import AlbumInputFactory, AlbumRecordFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_records_gone_from_adultwork_are_marked_and_albums_made_elsewhere_listed(connected_user, standin):
    kept = album_create(user=connected_user, album=AlbumInputFactory(name="Kept"), submission_key=uuid.uuid4())
    gone = AlbumRecordFactory(created_by=connected_user, album_id=4999999, name="Deleted on AW")
    someone_elses = AlbumRecordFactory(album_id=4999998)
    standin.forget_requests()

    result = album_records_sync(user=connected_user)

    assert [r.pk for r in result.missing] == [gone.pk]
    assert [a.album_name for a in result.not_from_portal] == ["Holiday 2026"]
    assert result.remote_count == 2
    gone.refresh_from_db()
    kept.refresh_from_db()
    someone_elses.refresh_from_db()
    assert gone.remote_missing_since is not None
    assert kept.remote_missing_since is None and someone_elses.remote_missing_since is None
    assert {r["method"] for r in standin.requests("/v1/")} == {"GET"}  # reads only


def test_an_album_back_on_adultwork_is_unmarked(connected_user, standin):
    record = album_create(user=connected_user, album=AlbumInputFactory(name="Back"), submission_key=uuid.uuid4())
    AlbumRecord.objects.filter(pk=record.pk).update(remote_missing_since="2026-01-01T00:00:00Z")

    result = album_records_sync(user=connected_user)

    assert [r.pk for r in result.back] == [record.pk]
    record.refresh_from_db()
    assert record.remote_missing_since is None


def test_a_failed_read_changes_nothing_and_says_why(connected_user, standin):
    AlbumRecordFactory(created_by=connected_user, album_id=4999999)
    standin.fault("html", status=503)
    with pytest.raises(PortalError, match="HTML error page"):
        album_records_sync(user=connected_user)
    assert not AlbumRecord.objects.filter(remote_missing_since__isnull=False).exists()


def test_the_page_refreshes_on_post_and_shows_the_differences(signed_in, standin):
    AlbumRecordFactory(created_by=signed_in.user, album_id=4999999, name="Deleted on AW")
    assert "Refresh from AdultWork" in signed_in.get(reverse("album_sync")).content.decode()
    assert standin.requests("getalbums") == []  # a GET of the page reads nothing

    page = signed_in.post(reverse("album_sync")).content.decode()

    assert "No longer on AdultWork (1)" in page and "Deleted on AW" in page and "Holiday 2026" in page
    assert "No longer on AdultWork" in signed_in.get(reverse("album_list")).content.decode()


def test_without_a_connection_the_page_says_to_connect(client, standin):
    client.force_login(UserFactory())
    page = client.post(reverse("album_sync"), follow=True).content.decode()
    assert "Connect your AdultWork account" in page


def test_staff_refresh_a_members_records_through_the_agency_connection(staff, agency, standin):
    kept = album_create(user=staff, member_user_id=300004, album=AlbumInputFactory(name="Kept"), submission_key=uuid.uuid4())
    gone = AlbumRecordFactory(
        created_by=agency.user, connection=agency, for_member=True, aw_user_id=300004,
        acting_aw_user_id=200001, album_id=4999997, name="Deleted on AW",
    )
    own_record_same_id = AlbumRecordFactory(created_by=staff, aw_user_id=300004, album_id=4999996)
    standin.forget_requests()

    result = album_records_sync(user=staff, member_user_id=300004)

    assert [r.pk for r in result.missing] == [gone.pk]
    assert result.aw_user_id == 300004 and result.not_from_portal == []
    [read] = standin.requests("getalbums")
    assert read["path"].lower() == "/v1/groups/pictures/getalbums" and read["query"]["UserID"] == "300004"
    assert read["headers"]["Authorization"] == "Bearer demo-manager-token"
    kept.refresh_from_db()
    own_record_same_id.refresh_from_db()
    assert kept.remote_missing_since is None and own_record_same_id.remote_missing_since is None


@pytest.mark.parametrize("member_user_id", [300004, 400001])
def test_a_member_the_user_may_not_act_for_is_refused_before_any_read(connected_user, agency, standin, member_user_id):
    with pytest.raises(PortalError, match="You may not read the albums"):
        album_records_sync(user=connected_user, member_user_id=member_user_id)
    assert standin.requests("getalbums") == []


def test_the_page_refreshes_a_member_for_agency_staff(client, staff, standin):
    client.force_login(staff)
    assert "Member (AdultWork UserID)" in client.get(reverse("album_sync")).content.decode()

    page = client.post(reverse("album_sync"), {"member": "300004"}).content.decode()

    assert "AdultWork UserID 300004: 0 albums on AdultWork" in page
    assert "You may not read" in client.post(reverse("album_sync"), {"member": "400001"}).content.decode()


def test_edits_and_removals_are_not_albums_of_their_own(connected_user, standin):
    kept = album_create(user=connected_user, album=AlbumInputFactory(name="Kept"), submission_key=uuid.uuid4())
    AlbumRecordFactory(created_by=connected_user, kind=AlbumRecord.Kind.EDIT, album_id=kept.album_id)
    AlbumRecordFactory(created_by=connected_user, kind=AlbumRecord.Kind.REMOVE, album_id=4242)

    result = album_records_sync(user=connected_user)

    assert result.missing == [] and result.back == []
