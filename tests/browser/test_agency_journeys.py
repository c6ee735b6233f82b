"""Agency staff in Chromium: connecting as a group manager, creating for a member found in the picker,
and following a bulk job that the real worker runs, with JavaScript and without."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import Page, expect

from albums.crypto import secret_decrypt
from albums.models import AlbumRecord, BulkJob, Connection
from tests.factories import DEMO_MANAGER_ID, FIRST_GROUP_MEMBER_ID, ManagerConnectionFactory, UserFactory, roster
from tests.support.tasks import DATABASE_TASKS, worker_thread

pytestmark = pytest.mark.browser

MEMBERS = range(FIRST_GROUP_MEMBER_ID, FIRST_GROUP_MEMBER_ID + 5)


def outcome(page: Page, user_id: int):
    return page.locator(f'tr[data-member="{user_id}"] [data-cell="outcome"]')


def test_a_manager_connects_and_creates_for_a_member_found_by_typing(portal):
    UserFactory(username="dana")
    page = portal.page()
    portal.sign_in(page, "dana")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Agency")).to_have_count(0)

    nav.get_by_role("link", name="Connection").click()
    portal.approve_at_unified_login(page, f"demo_agency ({DEMO_MANAGER_ID})")
    expect(page.locator(".messages")).to_contain_text(f"Connected AdultWork account {DEMO_MANAGER_ID}")
    portal.set_up_second_factor(page)  # a group manager now: asked for a second factor before anything else

    nav.get_by_role("link", name="Agency").click()
    page.get_by_role("button", name="Refresh from AdultWork").click()
    expect(page.locator(".messages")).to_contain_text("Member list refreshed from AdultWork: 120 members, 120 new")
    page.get_by_role("link", name="Create album for one member").click()
    picker = page.get_by_role("combobox", name="Member")
    expect(picker.locator("option")).to_have_count(121)  # the prompt and every member

    page.get_by_role("searchbox", name="Find a member").press_sequentially("ember042")  # JavaScript narrows as you type
    expect(page.get_by_role("status").filter(has_text="match")).to_have_text("1 of 120 members listed here match.")
    expect(picker.locator("option:not([hidden])")).to_have_text(["Choose a member", "member042 (300042)"])
    picker.select_option(label="member042 (300042)")
    page.get_by_label("Name").fill("For you")
    page.get_by_role("button", name="Create album for this member").click()

    expect(page.locator(".messages")).to_contain_text("Album created on AdultWork with AlbumID")
    expect(page.locator(".facts").first).to_contain_text("300042 (member042)")
    [sent] = portal.standin.requests("createalbum")
    assert (sent["method"], sent["path"], sent["json"]["UserID"]) == ("POST", "/v1/Groups/Pictures/CreateAlbum", 300042)
    connection = Connection.objects.get(user__username="dana")
    assert sent["headers"]["Authorization"] == f"Bearer {secret_decrypt(connection.access_token_encrypted)}"
    assert AlbumRecord.objects.get().connection == connection


@pytest.fixture
def bulk_queue(settings):
    """Bulk jobs wait in the database for the worker, one request in flight at a time."""
    settings.TASKS = DATABASE_TASKS
    settings.AW_BULK_CONCURRENCY = 1


def queue_bulk_job(portal, *, java_script: bool = True) -> Page:
    """A manager sends "Spring" to the five members of their roster; the page the form leads to."""
    agency = ManagerConnectionFactory()
    roster(agency, MEMBERS)
    page = portal.page(user=agency.user, java_script_enabled=java_script)
    page.goto("/albums/bulk/new/")
    page.get_by_label("All 5 current members of Demo Agency").check()
    page.get_by_label("Name").fill("Spring")
    page.get_by_role("button", name="Create albums").click()
    expect(page.get_by_role("heading", name="“Spring” for 5 members")).to_be_visible()
    expect(page.locator("#bulk-summary")).to_contain_text("Waiting for the worker: 0 of 5 done")
    return page


# The page polls while the worker writes. SQLite's shared in-memory test database answers a read of a
# table another connection is writing with "database table is locked" at once, rather than waiting.
@pytest.mark.postgres
def test_the_progress_bar_follows_the_worker_to_the_end_without_a_reload(portal, bulk_queue):
    portal.standin.config(latency=0.5)  # each member takes a while, so the page sees the job move
    portal.standin.fault("html", status=503, match="groups/pictures/createalbum", times=1)  # the first one fails
    page = queue_bulk_job(portal)
    page.evaluate("window.followed = true")  # gone if the page reloads
    bar = page.locator("#bulk-progress-bar")

    samples = []
    with worker_thread():
        while not samples or samples[-1]["value"] < 5:
            samples.append(bar.evaluate("""bar => ({
                value: bar.value,
                max: bar.max,
                rows: document.querySelectorAll('[data-cell="outcome"] .status--created, [data-cell="outcome"] .status--failed').length,
            })"""))
            page.wait_for_timeout(100)

    values = [sample["value"] for sample in samples]
    assert values[0] == 0 and values == sorted(values), values
    assert any(0 < value < 5 for value in values), f"the bar jumped from 0 to the end: {values}"
    assert all(sample["max"] == 5 and sample["rows"] == sample["value"] for sample in samples), samples
    expect(outcome(page, MEMBERS[0])).to_have_text("Failed")
    for user_id in MEMBERS[1:]:
        expect(outcome(page, user_id)).to_have_text("Created")
    expect(page.get_by_role("button", name="Retry the 1 failed member")).to_be_visible()  # what the finished job offers
    expect(page.locator("#bulk-summary")).to_contain_text("Finished: 5 of 5 done — 4 created, 1 failed")
    assert page.evaluate("window.followed") is True
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_without_javascript_the_reload_link_shows_the_finished_job(portal, bulk_queue):
    page = queue_bulk_job(portal, java_script=False)
    expect(page.locator("meta[http-equiv=refresh]")).to_have_count(0)  # nothing reloads by itself

    with worker_thread():
        pass
    assert BulkJob.objects.get().status == BulkJob.Status.FINISHED
    page.get_by_role("link", name="Reload").click()

    expect(page.locator("#bulk-summary")).to_contain_text("Finished: 5 of 5 done — 5 created")
    expect(page.locator("#bulk-progress-bar")).to_have_attribute("value", "5")
    for user_id in MEMBERS:
        expect(outcome(page, user_id)).to_have_text("Created")
    expect(page.get_by_role("link", name="Reload")).to_have_count(0)
