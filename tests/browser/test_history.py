"""The history as agency staff use it all day: filter it, share the filtered URL, export what it shows."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from albums.models import AlbumRecord
from tests.factories import AlbumRecordFactory, ConnectionFactory

pytestmark = pytest.mark.browser


def test_filtering_the_history_gives_a_shareable_url_and_exporting_gives_the_same_rows(portal):
    user = ConnectionFactory().user
    old = timezone.now() - timedelta(days=40)
    AlbumRecordFactory(created_by=user, name="Beach set", status=AlbumRecord.Status.CREATED)
    AlbumRecordFactory(created_by=user, name="Beach party", status=AlbumRecord.Status.FAILED, album_id=None)
    AlbumRecordFactory(created_by=user, name="Studio", status=AlbumRecord.Status.CREATED)
    AlbumRecordFactory(created_by=user, name="Beach old", status=AlbumRecord.Status.CREATED, created_at=old)
    page = portal.page(user=user)
    page.goto("/albums/")

    page.get_by_label("Album name contains").fill("beach")
    page.get_by_label("Status").select_option("created")
    page.get_by_label("From (date)").fill((timezone.now() - timedelta(days=7)).date().isoformat())
    page.get_by_role("button", name="Show albums").click()

    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Beach set")
    assert "name=beach" in page.url and "status=created" in page.url

    shared = portal.page(user=user)  # the same URL in another browser shows the same list
    shared.goto(page.url)
    expect(shared.locator("tbody tr")).to_have_count(1)
    expect(shared.get_by_label("Album name contains")).to_have_value("beach")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these as CSV").click()
    with open(download.value.path(), newline="", encoding="utf-8") as exported:
        table = list(csv.DictReader(io.StringIO(exported.read().lstrip("\ufeff"))))
    assert [(row["Name"], row["Status"]) for row in table] == [("Beach set", "Created")]

