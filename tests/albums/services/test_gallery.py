"""The Gallery's read of AdultWork, against the stand-in over real HTTP."""

import pytest
from django.urls import reverse

from albums import adultwork as aw
from albums.errors import PortalError
from albums.services.gallery import GalleryAlbum, gallery_read
from tests.factories import (
    DEMO_MEMBER_ID,
    FIRST_GROUP_MEMBER_ID,
    OUTSIDER_ID,
    AlbumRecordFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

GALLERY = reverse("gallery")
SEEDED = 5000001


def test_own_albums_come_from_get_albums_with_picture_ids(connected_user, standin):
    gallery = gallery_read(user=connected_user)

    assert gallery.aw_user_id == DEMO_MEMBER_ID and gallery.member is None
    assert [(e.album.album_id, e.album.album_name, e.record) for e in gallery.albums] == [(SEEDED, "Holiday 2026", None)]
    asked = standin.requests("getalbums")[-1]
    assert (asked["path"], asked["query"]) == ("/v1/Pictures/GetAlbums", {"UserID": "100001", "ReturnPictureIDs": "true"})


def test_an_album_the_portal_created_links_to_its_record(connected_user):
    record = AlbumRecordFactory(created_by=connected_user, album_id=SEEDED)
    someone_elses = AlbumRecordFactory(created_by=UserFactory(), aw_user_id=DEMO_MEMBER_ID)

    gallery = gallery_read(user=connected_user)

    assert [e.record for e in gallery.albums] == [record]
    assert someone_elses.album_id not in [e.album.album_id for e in gallery.albums]


def test_a_member_s_albums_come_through_the_groups_twin(staff, standin):
    aw.AdultWorkClient(base_url=standin.url, access_token="demo-manager-token").album_create(
        album=aw.AlbumInput(name="For 3"), member_id=FIRST_GROUP_MEMBER_ID + 2
    )

    gallery = gallery_read(user=staff, member_user_id=FIRST_GROUP_MEMBER_ID + 2)

    assert gallery.member.aw_user_id == FIRST_GROUP_MEMBER_ID + 2
    assert [e.album.album_name for e in gallery.albums] == ["For 3"]
    assert standin.requests("getalbums")[-1]["path"] == "/v1/Groups/Pictures/GetAlbums"


def test_a_member_nobody_granted_is_refused_before_any_call(staff, standin):
    with pytest.raises(PortalError, match="may not see the albums of AdultWork member 400001"):
        gallery_read(user=staff, member_user_id=OUTSIDER_ID)
    assert standin.requests("getalbums") == []


def test_without_a_connection_the_gallery_asks_for_one(user):
    with pytest.raises(PortalError, match="Connect your AdultWork account"):
        gallery_read(user=user)


@pytest.mark.parametrize(
    ("size", "ids", "count"), [(3, "1,2,3", 3), (None, "7,8", 2), (None, None, 0), (5, None, 5)]
)
def test_picture_count_is_album_size_or_else_the_ids_counted(size, ids, count):
    album = aw.PictureAlbum(1, 2, "n", None, size, 0, None, ids)
    assert GalleryAlbum(album=album, record=None).picture_count == count


def test_whether_a_pin_is_set_is_what_the_portal_last_set_since_adultwork_does_not_say(connected_user):
    AlbumRecordFactory(created_by=connected_user, album_id=SEEDED, kind="edit", pin_number_encrypted="x")
    assert gallery_read(user=connected_user).albums[0].has_pin is True
    AlbumRecordFactory(created_by=connected_user, album_id=SEEDED, kind="edit")  # a later edit removed it
    assert gallery_read(user=connected_user).albums[0].has_pin is False


def test_an_album_the_portal_never_set_has_no_pin_state(connected_user):
    assert gallery_read(user=connected_user).albums[0].has_pin is None
