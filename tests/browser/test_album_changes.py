"""After "created", in Chromium: pictures from disk, a new name, a new PIN, removal, each in the history;
for oneself and for a group member, with and without JavaScript."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from albums.models import AlbumRecord, PictureUpload
from harness.pictures import CAMERA_SERIAL, tagged_jpeg
from tests.factories import (
    FIRST_GROUP_MEMBER_ID,
    ConnectionFactory,
    ManagerConnectionFactory,
    StaffGrantFactory,
    UserFactory,
    roster,
)
from tests.support.tasks import DATABASE_TASKS, worker_thread

pytestmark = pytest.mark.browser


@pytest.fixture
def photos(tmp_path) -> list[Path]:
    """Three photos on the user's disk, each with GPS and a camera serial in its EXIF."""
    paths = []
    for n in range(1, 4):
        path = tmp_path / f"beach-{n}.jpg"
        path.write_bytes(tagged_jpeg())
        paths.append(path)
    return paths


def create_album(page: Page, name: str) -> None:
    page.goto("/albums/new/")
    page.get_by_label("Name").fill(name)
    page.get_by_label("PIN number").fill("Qx7r")
    page.get_by_label("PIN price").fill("2.5")
    page.get_by_role("button", name="Create album").click()
    expect(page.get_by_role("heading", name=re.compile(f"^{name}"))).to_be_visible()


def add_pictures(page: Page, album: str, photos: list[Path]) -> None:
    page.get_by_role("link", name=f"Add pictures to {album}").first.click()
    expect(page.get_by_text("Location and camera data are removed")).to_be_visible()
    page.get_by_label("Title").fill("Beach")
    page.get_by_label("Pictures").set_input_files(photos)
    page.get_by_role("button", name="Upload and check titles").click()
    expect(page.get_by_role("heading", name=f"3 pictures for “{album}”")).to_be_visible()
    page.get_by_role("group", name=re.compile("^beach-2.jpg")).get_by_label("Title").fill("Sunset")
    page.get_by_role("button", name="Send 3 pictures").click()


@pytest.mark.parametrize("java_script", [True, False], ids=["js", "no-js"])
def test_a_member_fills_renames_re_pins_and_removes_an_album(portal, photos, java_script, settings):
    settings.AW_PICTURE_BATCH_SIZE = 2
    user = ConnectionFactory(user=UserFactory(username="mia")).user
    page = portal.page(user=user, java_script_enabled=java_script)
    create_album(page, "Spring")

    add_pictures(page, "Spring", photos)  # the test settings' task backend sends them at once
    expect(page.locator("progress")).to_have_attribute("value", "3")
    arrived = portal.standin.pictures()
    assert sorted(p["Title"] for p in arrived) == ["Beach", "Beach", "Sunset"]
    assert all(set(p["Segments"]) <= {"SOI", "APP0", "DQT", "DHT", "SOF0", "SOS"} for p in arrived)
    assert all(CAMERA_SERIAL not in p["Title"] for p in arrived)

    page.goto("/gallery/")
    row = page.get_by_role("row").filter(has_text="Spring")
    expect(row.get_by_role("cell").nth(2)).to_have_text("3")
    row.get_by_role("link", name="Edit album Spring").click()
    expect(page.get_by_label("Name")).to_have_value("Spring")
    expect(page.get_by_label("PIN number")).to_have_value("")  # never echoed
    page.get_by_label("Name").fill("Summer")
    page.get_by_label("PIN number").fill("Mh3k")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".messages")).to_contain_text("The album was changed on AdultWork.")
    album = portal.standin.albums(100001)[-1]
    assert (album["AlbumName"], album["PinNumber"], album["PINPrice"]) == ("Summer", "Mh3k", "2.5")

    page.goto("/gallery/")
    page.get_by_role("link", name="Remove album Summer").click()
    expect(page.get_by_role("heading", name="Remove album “Summer”?")).to_be_visible()
    page.get_by_label("Also remove its pictures").check()
    page.get_by_role("button", name="Remove album").click()
    expect(page.locator(".messages")).to_contain_text("was removed from AdultWork")
    assert [a["AlbumName"] for a in portal.standin.albums(100001)] == ["Holiday 2026"]

    page.goto("/albums/")
    kinds = page.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert kinds == ["Remove", "Edit", "Add pictures", "Add pictures", "Create"]  # batches of 2 and 1
    create = AlbumRecord.objects.get(kind="create")
    page.goto(create.get_absolute_url())
    expect(page.get_by_text("Removed on AdultWork")).to_be_visible()


def test_agency_staff_change_a_members_album_picked_in_the_gallery(portal, photos):
    agency = ManagerConnectionFactory()
    roster(agency, range(FIRST_GROUP_MEMBER_ID, FIRST_GROUP_MEMBER_ID + 5))
    staff = UserFactory(username="sam")
    StaffGrantFactory(connection=agency, user=staff)
    page = portal.page(user=staff)
    page.goto("/albums/new/member/")
    page.get_by_role("combobox", name="Member").select_option(label="member003 (300003)")
    page.get_by_label("Name").fill("For three")
    page.get_by_role("button", name="Create album for this member").click()
    expect(page.get_by_role("heading", name=re.compile("^For three"))).to_be_visible()

    page.goto("/gallery/")
    page.get_by_role("combobox", name="Whose albums").select_option(label="member003 (300003)")
    page.get_by_role("button", name="Show albums").click()
    expect(page.get_by_role("heading", name=re.compile("member003 .*: 1 album on AdultWork"))).to_be_visible()
    page.get_by_role("link", name="Edit album For three").click()
    page.get_by_label("Name").fill("For 3")
    page.get_by_label("Remove the PIN").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".messages")).to_contain_text("changed on AdultWork")

    member = FIRST_GROUP_MEMBER_ID + 2
    page.goto(f"/gallery/?member={member}")
    add_pictures(page, "For 3", photos)
    expect(page.locator("progress")).to_have_attribute("value", "3")
    assert [p["UserID"] for p in portal.standin.pictures()] == [member] * 3
    assert {r["path"] for r in portal.standin.requests("/v1/groups/pictures/") if r["method"] != "GET"} == {
        "/v1/Groups/Pictures/CreateAlbum", "/v1/Groups/Pictures/UpdateAlbum", "/v1/Groups/Pictures/AddPictures"
    }


def test_without_javascript_the_reload_link_follows_pictures_sent_by_the_worker(portal, photos, settings):
    settings.TASKS = DATABASE_TASKS
    user = ConnectionFactory().user
    page = portal.page(user=user, java_script_enabled=False)
    page.goto("/gallery/")
    add_pictures(page, "Holiday 2026", photos)
    expect(page.get_by_text("Waiting for the worker: 0 of 3 sent")).to_be_visible()

    with worker_thread():
        pass
    page.get_by_role("link", name="Reload").click()

    expect(page.get_by_text("Finished: 3 of 3 sent")).to_be_visible()
    expect(page.get_by_role("link", name="Reload")).to_have_count(0)
    assert PictureUpload.objects.get().status == "finished" and len(portal.standin.pictures(5000001)) == 3


# The page polls while the worker writes: PostgreSQL only, as for bulk jobs (SQLite's shared in-memory
# test database refuses a read of a table another connection is writing).
@pytest.mark.postgres
def test_the_progress_bar_follows_the_pictures_without_a_reload(portal, photos, settings):
    settings.TASKS = DATABASE_TASKS
    settings.AW_PICTURE_BATCH_SIZE = 1
    portal.standin.config(latency=0.4)  # each batch takes a while, so the page sees them go
    page = portal.page(user=ConnectionFactory().user)
    page.goto("/gallery/")
    add_pictures(page, "Holiday 2026", photos)
    page.evaluate("window.followed = true")  # gone if the page reloads
    bar = page.locator("#picture-progress-bar")

    values = []
    with worker_thread():
        while not values or values[-1] < 3:
            values.append(int(bar.get_attribute("value")))
            page.wait_for_timeout(100)

    assert values[0] == 0 and values == sorted(values) and any(0 < v < 3 for v in values), values
    expect(page.get_by_text("Finished: 3 of 3 sent")).to_be_visible()
    assert page.evaluate("window.followed") is True
