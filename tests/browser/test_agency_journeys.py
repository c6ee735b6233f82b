"""Agency staff in Chromium: connecting as a group manager, creating for a member found in the picker,
and following a bulk job that the real worker runs, with JavaScript and without."""

from __future__ import annotations

import re

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

    nav.get_by_role("link", name="Agency").click()  # the roster was loaded on connecting: nothing to press
    expect(page.get_by_role("cell", name="member001", exact=True)).to_be_visible()
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


def queue_bulk_job(portal, *, java_script: bool = True, name: str = "Spring", pin_price: str = "") -> Page:
    """A manager sends `name` to the five members of their roster (with `pin_price`, each with a
    generated PIN of their own); the page the form leads to."""
    agency = ManagerConnectionFactory()
    roster(agency, MEMBERS)
    page = portal.page(user=agency.user, java_script_enabled=java_script)
    page.goto("/albums/bulk/new/")
    page.get_by_label("All 5 current members of Demo Agency").check()
    page.get_by_label("Name").fill(name)
    if pin_price:
        page.get_by_label("A different generated PIN for each member").check()
        page.get_by_label("PIN price").fill(pin_price)
    page.get_by_role("button", name="Create albums").click()
    expect(page.get_by_role("heading", name=f"“{name}” for 5 members")).to_be_visible()
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
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}  # every runner of the job


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


# The page polls while the worker writes (see above).
@pytest.mark.postgres
def test_a_new_managers_roster_appears_by_itself_while_the_page_is_open(portal, settings):
    settings.TASKS = DATABASE_TASKS  # the load waits in the database for the worker
    UserFactory(username="erin")
    page = portal.page()
    portal.sign_in(page, "erin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Connection").click()
    portal.approve_at_unified_login(page, f"demo_agency ({DEMO_MANAGER_ID})")
    portal.set_up_second_factor(page)  # a group manager now: asked for a second factor before anything else

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agency").click()
    expect(page.get_by_role("status").filter(has_text="Loading members from AdultWork")).to_be_visible()
    expect(page.get_by_role("button", name="Refresh from AdultWork")).to_be_visible()
    page.evaluate("window.waited = true")

    with worker_thread():
        pass

    # The page notices by itself and shows the members, without anyone pressing anything.
    expect(page.get_by_role("cell", name="member001", exact=True)).to_be_visible(timeout=10_000)
    expect(page.get_by_text("Loading members from AdultWork")).to_have_count(0)
    assert page.evaluate("window.waited === undefined")  # it reloaded once the roster was in
    assert Connection.objects.get(user__username="erin").members.count() == 120


CSV_PLAN = (
    "\ufeffUserID;Nickname;Name;Description;PIN number;PIN price\r\n"
    "300001;;Summer set;Beach;Rk7w;2,5\r\n"
    ";member002;For subscribers;;;\r\n"
    "300003;;=HYPERLINK(\"x\");;1234;2\r\n"
    "400001;;Not ours;;;\r\n"
).encode()


def upload_plan(page: Page) -> None:
    page.goto("/albums/bulk/csv/")
    page.get_by_label("CSV file").set_input_files(files=[{"name": "plan.csv", "mimeType": "text/csv", "buffer": CSV_PLAN}])
    page.get_by_role("button", name="Check the file").click()


@pytest.mark.parametrize("java_script", [True, False], ids=["js", "no-js"])
def test_a_spreadsheet_is_previewed_row_by_row_before_anything_is_sent(portal, java_script):
    agency = ManagerConnectionFactory()
    roster(agency, MEMBERS)
    page = portal.page(user=agency.user, java_script_enabled=java_script)

    upload_plan(page)

    expect(page.get_by_role("status").filter(has_text="good row")).to_have_text("2 good rows, 2 refused.")
    good = page.locator("#csv-good tbody tr")
    expect(good).to_have_count(2)
    expect(good.nth(0).locator("td")).to_have_text(["member001 (300001)", "Summer set", "Beach", "set", "2.5"])
    refused = page.locator("#csv-refused tbody tr")
    expect(refused.nth(0).locator(".cell--refused")).to_have_text(re.compile(r"^\s*given\s*This PIN is easy to guess"))
    expect(refused.nth(0)).to_contain_text('=HYPERLINK("x")')  # a formula is text like any other
    expect(refused.nth(1).locator(".cell--refused")).to_have_text(re.compile(r"^\s*400001\s*AdultWork member 400001 is not a current member"))
    expect(page.get_by_text("Rk7w")).to_have_count(0)  # a PIN never comes back to the page
    assert portal.standin.requests("createalbum") == []


def sent_pins(portal) -> list[str]:
    return sorted(r["json"]["PinNumber"] for r in portal.standin.requests("groups/pictures/createalbum"))


def test_each_member_gets_a_pin_of_their_own_shown_once_then_on_request(portal, bulk_queue):
    page = queue_bulk_job(portal, java_script=False, name="Private set", pin_price="2.5")
    with worker_thread():
        pass
    pins = sent_pins(portal)
    assert len(set(pins)) == 5

    page.get_by_role("link", name="Reload").click()
    table = page.locator("#bulk-pins")
    expect(table.locator(".pin")).to_have_count(5)
    assert sorted(table.locator(".pin").all_inner_texts()) == pins
    expect(page.get_by_role("button", name="Download the PINs (CSV)")).to_be_visible()

    page.reload()  # once only: afterwards they stay encrypted until asked for
    expect(page.locator("#bulk-pins")).to_have_count(0)
    page.get_by_role("button", name="Show PINs").click()
    expect(page.locator("#bulk-pins .pin")).to_have_count(5)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the PINs (CSV)").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert sorted(line.rsplit(",", 1)[1] for line in text.splitlines()[1:]) == pins


@pytest.mark.postgres  # the page polls while the worker writes (see above)
def test_the_finished_pages_pins_appear_by_themselves_when_the_job_finishes(portal, bulk_queue):
    page = queue_bulk_job(portal, name="Private set", pin_price="2.5")
    expect(page.locator("#bulk-pins")).to_have_count(0)
    with worker_thread():
        pass
    expect(page.locator("#bulk-pins .pin")).to_have_count(5, timeout=10_000)  # swapped in, without a reload
    assert sorted(page.locator("#bulk-pins .pin").all_inner_texts()) == sent_pins(portal)
