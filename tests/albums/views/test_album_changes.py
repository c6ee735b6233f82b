"""Edit album and Remove album through the test client, against the stand-in over real HTTP."""

import re
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from albums import adultwork as aw
from albums.models import AlbumRecord
from albums.services.albums import album_create
from tests.factories import FIRST_GROUP_MEMBER_ID, AlbumRecordFactory

pytestmark = pytest.mark.django_db

SEEDED = 5000001
EDIT = reverse("album_edit", args=[SEEDED])
REMOVE = reverse("album_remove", args=[SEEDED])


def key_of(response) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', response.content.decode()).group(1)


def created(user, member_user_id=None, **fields) -> AlbumRecord:
    album = aw.AlbumInput(**{"name": "Spring", **fields})
    return album_create(user=user, member_user_id=member_user_id, album=album, submission_key=uuid.uuid4())


def test_edit_is_prefilled_from_adultwork_and_never_shows_the_pin(signed_in, standin):
    record = created(signed_in.user, description="Flowers", pin_number="Qx7r", pin_price=Decimal("2.5"))
    page = signed_in.get(reverse("album_edit", args=[record.album_id])).content.decode()

    assert 'value="Spring"' in page and ">\nFlowers</textarea>" in page and 'value="2.5"' in page
    assert "Qx7r" not in page
    assert "Leave empty to keep the album" in page
    assert "Remove the PIN" in page


def test_an_empty_pin_box_keeps_the_pin_and_the_record_shows_the_change(signed_in, standin):
    record = created(signed_in.user, pin_number="Qx7r", pin_price=Decimal("2.5"))
    url = reverse("album_edit", args=[record.album_id])

    response = signed_in.post(url, {"submission_key": key_of(signed_in.get(url)), "name": "Summer", "pin_price": "3"})

    edit = AlbumRecord.objects.get(kind="edit")
    assert response["Location"] == edit.get_absolute_url()
    assert standin.requests("updatealbum")[-1]["json"] == {
        "AlbumID": record.album_id, "Name": "Summer", "Description": "", "PinNumber": "Qx7r", "PINPrice": 3
    }
    page = signed_in.get(edit.get_absolute_url()).content.decode()
    assert "Edit: Summer" in page and "AdultWork changed album" in page and "Qx7r" not in page


def test_remove_the_pin_sends_nulls(signed_in, standin):
    record = created(signed_in.user, pin_number="Qx7r", pin_price=Decimal("2.5"))
    url = reverse("album_edit", args=[record.album_id])
    signed_in.post(url, {"submission_key": key_of(signed_in.get(url)), "name": "Spring", "remove_pin": "on", "pin_price": "2.5"})
    sent = standin.requests("updatealbum")[-1]["json"]
    assert (sent["PinNumber"], sent["PINPrice"]) == (None, None)


def test_an_album_made_elsewhere_needs_a_pin_or_its_removal(signed_in, standin):
    page = signed_in.get(EDIT).content.decode()
    assert "The portal does not hold this album" in page

    response = signed_in.post(EDIT, {"submission_key": key_of(signed_in.get(EDIT)), "name": "Holiday"})

    assert "type one, or tick Remove the PIN" in response.content.decode()
    assert standin.requests("updatealbum") == []


def test_a_refused_edit_comes_back_with_the_input_and_a_fresh_key(signed_in, standin):
    standin.fault("rate_limit", match="updatealbum", retry_after=9)
    key = key_of(signed_in.get(EDIT))
    response = signed_in.post(EDIT, {"submission_key": key, "name": "Holiday", "remove_pin": "on"})
    page = response.content.decode()
    assert "limiting requests" in page and 'value="Holiday"' in page
    assert key_of(response) != key
    assert AlbumRecord.objects.get().status == AlbumRecord.Status.FAILED


def test_remove_asks_first_naming_the_album_and_a_get_removes_nothing(signed_in, standin):
    page = signed_in.get(REMOVE).content.decode()
    assert "Remove album “Holiday 2026”?" in page and "Also remove its pictures" in page
    assert standin.requests("removealbum") == [] and len(standin.albums(100001)) == 1


def test_remove_album_removes_it_and_the_create_s_record_says_so(signed_in, standin):
    record = created(signed_in.user)
    url = reverse("album_remove", args=[record.album_id])

    response = signed_in.post(url, {"submission_key": key_of(signed_in.get(url)), "remove_pictures": "on"})

    removal = AlbumRecord.objects.get(kind="remove")
    assert response["Location"] == removal.get_absolute_url()
    assert standin.requests("removealbum")[-1]["json"] == {"AlbumID": record.album_id, "RemoveAllPictures": True}
    page = signed_in.get(record.get_absolute_url()).content.decode()
    assert "Removed on AdultWork" in page and "Edit album" not in page
    assert removal.get_absolute_url() in page


def test_a_created_album_s_record_offers_its_three_changes(signed_in, standin):
    record = created(signed_in.user)
    page = signed_in.get(record.get_absolute_url()).content.decode()
    for name in ("album_edit", "picture_upload_create", "album_remove"):
        assert f'href="{reverse(name, args=[record.album_id])}"' in page


def test_the_gallery_offers_the_three_changes_for_each_album(signed_in, standin):
    page = signed_in.get(reverse("gallery")).content.decode()
    for name in ("album_edit", "picture_upload_create", "album_remove"):
        assert f'href="{reverse(name, args=[SEEDED])}"' in page


def test_staff_edit_a_member_s_album_chosen_in_the_gallery(client, staff, standin):
    member = FIRST_GROUP_MEMBER_ID
    record = created(staff, member_user_id=member)
    client.force_login(staff)
    gallery = client.get(reverse("gallery"), {"member": member}).content.decode()
    url = f"{reverse('album_edit', args=[record.album_id])}?member={member}"
    assert url in gallery

    client.post(url, {"submission_key": key_of(client.get(url)), "name": "For you", "remove_pin": "on"})

    assert standin.requests("updatealbum")[-1]["path"] == "/v1/Groups/Pictures/UpdateAlbum"
    assert [a["AlbumName"] for a in standin.albums(member)] == ["For you"]


def test_a_member_the_user_may_not_act_for_gets_a_page_saying_so(client, staff, standin):
    client.force_login(staff)
    response = client.get(f"{EDIT}?member=400001")
    assert response.status_code == 404 and "may not see the albums of AdultWork member 400001" in response.content.decode()


def test_another_user_s_edit_record_is_not_found(client, signed_in):
    theirs = AlbumRecordFactory(kind="edit")
    assert signed_in.get(theirs.get_absolute_url()).status_code == 404
