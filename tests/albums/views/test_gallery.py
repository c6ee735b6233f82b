"""The Gallery page through the test client, against the stand-in over real HTTP."""

import pytest
from django.urls import reverse

from tests.factories import (
    FIRST_GROUP_MEMBER_ID,
    OUTSIDER_ID,
    AlbumRecordFactory,
)

pytestmark = pytest.mark.django_db

GALLERY = reverse("gallery")
SEEDED = 5000001


def test_gallery_page_lists_the_albums_with_a_link_to_the_portal_s_record(signed_in):
    record = AlbumRecordFactory(created_by=signed_in.user, album_id=SEEDED, pin_number_encrypted="x")

    page = signed_in.get(GALLERY).content.decode()

    assert "Holiday 2026" in page and "Made on AdultWork.com, not through the portal" in page
    assert f'href="{record.get_absolute_url()}"' in page
    assert "Whose albums" not in page  # no member picker for a member without an agency


def test_gallery_page_says_why_albums_could_not_be_read(signed_in, standin):
    standin.fault("rate_limit", retry_after=30)
    page = signed_in.get(GALLERY).content.decode()
    assert "AdultWork is limiting requests right now. Try again in 30 seconds." in page


def test_staff_pick_a_member_and_see_their_albums(client, staff, standin):
    client.force_login(staff)
    picker = client.get(GALLERY).content.decode()
    assert "Whose albums" in picker and f'value="{FIRST_GROUP_MEMBER_ID}"' in picker

    page = client.get(GALLERY, {"member": FIRST_GROUP_MEMBER_ID}).content.decode()

    assert "member001 (300001): 0 albums on AdultWork" in page


def test_staff_naming_a_member_outside_the_roster_get_a_field_error_and_no_read(client, staff, standin):
    client.force_login(staff)
    response = client.get(GALLERY, {"member": OUTSIDER_ID})
    assert "Select a valid choice" in response.content.decode()
    assert standin.requests("getalbums") == []


def test_the_gallery_is_in_the_navigation(signed_in):
    assert f'href="{GALLERY}"' in signed_in.get(reverse("dashboard")).content.decode()
