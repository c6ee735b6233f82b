"""Every page, in each state worth seeing: no serious or critical axe-core violation (at desktop and phone
width), valid HTML, fits a phone.

To cover a new page, add a Screen: a name and a function that opens the page in the state to check.
Screens with `screenshot` set are the README's pictures (docs/screenshots, written by `make screenshots`).
"""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from albums.crypto import secret_encrypt
from albums.forms import pin_generate
from albums.models import AlbumRecord, BulkJob, BulkJobItem, Connection, Member
from harness.pictures import tagged_jpeg
from harness.second_factor import totp_device_confirmed
from tests.browser.conftest import Portal
from tests.factories import (
    FIRST_GROUP_MEMBER_ID,
    AlbumRecordFactory,
    ConnectionFactory,
    ManagerConnectionFactory,
    MemberFactory,
    UserFactory,
)
from tests.support.browser import AxeReport
from tests.support.tasks import DATABASE_TASKS

pytestmark = pytest.mark.browser


# What the pictures' history holds: (name, status, AlbumID, what went wrong).
DEMO_HISTORY = [
    ("Holiday 2026", AlbumRecord.Status.CREATED, 4900001, ""),  # below the stand-in's AlbumIDs
    ("Studio set", AlbumRecord.Status.CREATED, 4900002, ""),
    ("Beach day", AlbumRecord.Status.FAILED, None,
     "AdultWork is limiting requests right now. Nothing was created; try again in 12 seconds."),
    ("Night out", AlbumRecord.Status.UNKNOWN, None,
     "AdultWork did not answer in time. We cannot tell whether the album was created, so it was not sent "
     "again. Check the record before trying again."),
]


def demo_user(*, connected: bool = True):
    """The user the pictures show: `demo`, connected to the stand-in's demo member, with some history."""
    user = UserFactory(username="demo")
    if connected and not Connection.objects.filter(user=user).exists():
        ConnectionFactory(user=user)
        for name, status, album_id, message in DEMO_HISTORY:
            AlbumRecordFactory(created_by=user, name=name, status=status, album_id=album_id, error_message=message)
    return user


def signed_in(path: str, *, connected: bool = True) -> Callable[[Portal, bool], Page]:
    def open_page(portal: Portal, phone: bool) -> Page:
        page = portal.page(user=demo_user(connected=connected), phone=phone)
        page.goto(path)
        return page

    return open_page


def signed_out(path: str) -> Callable[[Portal, bool], Page]:
    def open_page(portal: Portal, phone: bool) -> Page:
        page = portal.page(phone=phone)
        page.goto(path)
        return page

    return open_page


def create_form_refused(portal: Portal, phone: bool) -> Page:
    page = signed_in("/albums/new/")(portal, phone)
    page.get_by_label("PIN number").fill("1234")
    page.get_by_role("button", name="Create album").click()
    expect(page.locator("#id_pin_number_error")).to_contain_text("This PIN is easy to guess")
    return page


def record_with_new_pin(portal: Portal, phone: bool) -> Page:
    page = signed_in("/albums/new/")(portal, phone)
    page.get_by_label("Name").fill("Private set")
    page.get_by_label("Description").fill("Twelve new pictures, for buyers with the PIN.")
    page.get_by_role("button", name="Generate PIN").click()
    expect(page.get_by_label("PIN number")).to_have_value(re.compile(r"^\w{4}$"))
    page.get_by_label("PIN price").fill("2.5")
    page.get_by_role("button", name="Create album").click()
    expect(page.locator("#album-pin")).to_be_visible()
    return page


def demo_record(name: str) -> Callable[[Portal, bool], Page]:
    def open_page(portal: Portal, phone: bool) -> Page:
        record = AlbumRecord.objects.get(created_by=demo_user(), name=name)
        return signed_in(record.get_absolute_url())(portal, phone)

    return open_page


def refreshed_from_adultwork(portal: Portal, phone: bool) -> Page:
    page = signed_in("/albums/sync/")(portal, phone)
    page.get_by_role("button", name="Refresh from AdultWork").click()
    expect(page.get_by_role("heading", name="Made outside the portal (1)")).to_be_visible()
    return page


def form_expired(portal: Portal, phone: bool) -> Page:
    page = signed_in("/albums/new/")(portal, phone)
    page.locator("[name=csrfmiddlewaretoken]").evaluate_all("inputs => inputs.forEach(i => { i.value = 'forged'; })")
    page.get_by_label("Name").fill("Look")
    page.get_by_role("button", name="Create album").click()
    expect(page.get_by_role("heading", name="This form has expired")).to_be_visible()
    return page


def form_unreadable(portal: Portal, phone: bool) -> Page:
    """A form body declared in another charset than UTF-8, as a misbehaving client sends it."""
    page = signed_in("/albums/new/")(portal, phone)
    latin1 = "application/x-www-form-urlencoded; charset=iso-8859-1"
    page.route("**/albums/new/", lambda route: route.continue_(headers={**route.request.headers, "content-type": latin1}))
    page.get_by_label("Name").fill("Look")
    page.get_by_role("button", name="Create album").click()
    expect(page.get_by_role("heading", name="The portal could not read this form")).to_be_visible()
    return page


def unified_login(portal: Portal, phone: bool) -> Page:
    page = signed_in("/connect/", connected=False)(portal, phone)
    page.get_by_role("link", name="Connect AdultWork account").click()
    expect(page.get_by_role("heading", name="Sign in with AdultWork.com")).to_be_visible()
    return page


def login_misconfigured(portal: Portal, phone: bool) -> Page:
    portal.standin.fault("error", match="/oauth/token", status=401, body={"error": "invalid_client"})
    page = signed_in("/connect/", connected=False)(portal, phone)
    portal.approve_at_unified_login(page, "demo_member (100001)")
    expect(page.get_by_role("heading", name="This portal's AdultWork login is misconfigured")).to_be_visible()
    return page


# --- An agency: the demo group manager's roster and bulk jobs ---------------------------------------

ROSTER_SIZE = 8
# A bulk job as the pictures show it: (member's offset in the roster, outcome, what went wrong).
FINISHED_JOB = [
    (0, AlbumRecord.Status.CREATED, ""),
    (1, AlbumRecord.Status.CREATED, ""),
    (2, AlbumRecord.Status.FAILED, "AdultWork is limiting requests right now. Nothing was created; try again in 12 seconds."),
    (3, AlbumRecord.Status.UNKNOWN, "AdultWork did not answer in time. We cannot tell whether the album was created, "
     "so it was not sent again. Check the record before trying again."),
    (4, AlbumRecord.Status.CREATED, ""),
]
# Running: two created, one on its way, the rest waiting for their turn.
RUNNING_JOB = [(0, AlbumRecord.Status.CREATED, ""), (1, AlbumRecord.Status.CREATED, ""), (2, AlbumRecord.Status.PENDING, "")]


def demo_agency(*, by_hand: bool = False) -> Connection:
    """`agency`, the stand-in's demo group manager, with its roster: from getGroupDetails, current
    members and one who left; or `by_hand`, as the portal keeps it without an API key."""
    connection = Connection.objects.filter(user__username="agency").first()
    if connection is not None:
        return connection
    connection = ManagerConnectionFactory(user=UserFactory(username="agency"))
    source = Member.Source.MANUAL if by_hand else Member.Source.API
    seen = None if by_hand else timezone.now()
    for user_id in range(FIRST_GROUP_MEMBER_ID, FIRST_GROUP_MEMBER_ID + ROSTER_SIZE):
        MemberFactory(connection=connection, aw_user_id=user_id, source=source, last_seen_at=seen)
    if not by_hand:
        MemberFactory(connection=connection, aw_user_id=FIRST_GROUP_MEMBER_ID + 119, is_stale=True, last_seen_at=seen - timedelta(days=9))
    return connection


def demo_bulk_job(
    name: str, outcomes: list[tuple[int, AlbumRecord.Status, str]], *, members: int, status: BulkJob.Status
) -> BulkJob:
    """A bulk job of the demo agency to `members` members; the first ones have the given outcomes."""
    connection = demo_agency()
    job = BulkJob.objects.filter(name=name).first()
    if job is not None:
        return job
    now = timezone.now()
    job = BulkJob.objects.create(
        created_by=connection.user, connection=connection, acting_aw_user_id=connection.aw_user_id,
        submission_key=uuid.uuid4(), name=name, description="New pictures, one album each.", status=status,
        member_count=members, created_at=now - timedelta(minutes=3), started_at=now - timedelta(minutes=3),
        finished_at=now if status == BulkJob.Status.FINISHED else None,
    )
    chosen = list(connection.members.filter(is_stale=False).order_by("aw_user_id")[:members])
    records = {
        offset: AlbumRecordFactory(
            created_by=connection.user, aw_user_id=chosen[offset].aw_user_id, acting_aw_user_id=connection.aw_user_id,
            connection=connection, for_member=True, member_nickname=chosen[offset].nickname, bulk_job=job,
            name=name, description=job.description, status=status_, error_message=message,
            completed_at=None if status_ == AlbumRecord.Status.PENDING else now,
            **(created_album(name, job.description) if status_ == AlbumRecord.Status.CREATED else {"album_id": None}),
        )
        for offset, status_, message in outcomes
    }
    BulkJobItem.objects.bulk_create(
        BulkJobItem(job=job, aw_user_id=member.aw_user_id, nickname=member.nickname, record=records.get(offset))
        for offset, member in enumerate(chosen)
    )
    return job


def created_album(name: str, description: str) -> dict:
    """What AdultWork answers about a new album, as an album record keeps it."""
    return {"album_name": name, "album_description": description, "album_size": 0, "sequence": 0}


def agency_page(path: str, **connection_options) -> Callable[[Portal, bool], Page]:
    def open_page(portal: Portal, phone: bool) -> Page:
        page = portal.page(user=demo_agency(**connection_options).user, phone=phone)
        page.goto(path)
        return page

    return open_page


def finished_job() -> BulkJob:
    return demo_bulk_job("Spring set", FINISHED_JOB, members=len(FINISHED_JOB), status=BulkJob.Status.FINISHED)


def running_job() -> BulkJob:
    return demo_bulk_job("Summer set", RUNNING_JOB, members=6, status=BulkJob.Status.RUNNING)


def bulk_job_page(job: Callable[[], BulkJob], **page_options) -> Callable[[Portal, bool], Page]:
    def open_page(portal: Portal, phone: bool) -> Page:
        bulk_job = job()
        page = portal.page(user=bulk_job.created_by, phone=phone, **page_options)
        page.goto(bulk_job.get_absolute_url())
        return page

    return open_page


def with_bulk_jobs(path: str) -> Callable[[Portal, bool], Page]:
    def open_page(portal: Portal, phone: bool) -> Page:
        finished_job(), running_job()
        return agency_page(path)(portal, phone)

    return open_page


def member_record(portal: Portal, phone: bool) -> Page:
    record = finished_job().records.get(status=AlbumRecord.Status.CREATED, aw_user_id=FIRST_GROUP_MEMBER_ID)
    return agency_page(record.get_absolute_url())(portal, phone)


def member_picked(portal: Portal, phone: bool) -> Page:
    page = agency_page("/albums/new/member/?q=member00")(portal, phone)
    page.get_by_role("combobox", name="Member").select_option(label="member004 (300004)")
    page.get_by_label("Name").fill("Spring set")
    return page


def member_add_refused(portal: Portal, phone: bool) -> Page:
    page = agency_page("/members/", by_hand=True)(portal, phone)
    page.get_by_label("AdultWork UserID").fill("0")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_role("heading", name=re.compile("^Add a member"))).to_be_visible()
    return page


def job_with_generated_pins(portal: Portal, phone: bool) -> Page:
    """A finished job whose members each got a PIN of their own, opened by its creator for the first time."""
    job = demo_bulk_job("Private set", FINISHED_JOB, members=len(FINISHED_JOB), status=BulkJob.Status.FINISHED)
    BulkJob.objects.filter(pk=job.pk).update(pin_mode=BulkJob.PinMode.EACH, pin_price=Decimal("2.5"), pins_shown_at=None)
    for item in job.items.all():
        item.pin_number_encrypted, item.pin_price = secret_encrypt(pin_generate()), Decimal("2.5")
        item.save()
    page = portal.page(user=job.created_by, phone=phone)
    page.goto(job.get_absolute_url())
    expect(page.locator("#bulk-pins")).to_be_visible()
    return page


def roster_loading(portal: Portal, phone: bool) -> Page:
    """A group manager just connected: their roster waits for the worker."""
    connection = Connection.objects.filter(user__username="newagency").first() or ManagerConnectionFactory(
        user=UserFactory(username="newagency"), roster_loaded_at=None
    )
    page = portal.page(user=connection.user, phone=phone)
    page.goto("/members/")
    expect(page.get_by_text("Loading members from AdultWork")).to_be_visible()
    return page


def csv_previewed(portal: Portal, phone: bool) -> Page:
    page = agency_page("/albums/bulk/csv/")(portal, phone)
    plan = (
        "UserID,Name,Description,PIN number,PIN price\r\n"
        "300001,Spring set,New pictures,Rk7w,2.5\r\n"
        "300002,A name far too long for AdultWork,,,\r\n"
        "300003,Summer set,,1234,2\r\n"
        "400001,Not ours,,,\r\n"
    )
    page.get_by_label("CSV file").set_input_files(files=[{"name": "plan.csv", "mimeType": "text/csv", "buffer": plan.encode()}])
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#csv-preview")).to_be_visible()
    return page


def pictures_chosen(portal: Portal, phone: bool) -> Page:
    """Three photos from disk uploaded to the demo member's album, waiting for their titles to be checked."""
    folder = Path(tempfile.mkdtemp(prefix="aw-screens-"))
    photos = []
    for name in ("beach.jpg", "sunset.jpg", "harbour.jpg"):
        (folder / name).write_bytes(tagged_jpeg())
        photos.append(folder / name)
    page = signed_in("/gallery/5000001/pictures/")(portal, phone)
    page.get_by_label("Title").fill("Summer 2026")
    page.get_by_label("Pictures").set_input_files(photos)
    page.get_by_role("button", name="Upload and check titles").click()
    expect(page.get_by_role("heading", name="3 pictures for “Holiday 2026”")).to_be_visible()
    return page


def pictures_sent(portal: Portal, phone: bool) -> Page:
    page = pictures_chosen(portal, phone)
    page.get_by_role("button", name="Send 3 pictures").click()  # the test settings' task backend sends at once
    expect(page.get_by_text("Finished: 3 of 3 sent")).to_be_visible()
    return page


def album_edited(portal: Portal, phone: bool) -> Page:
    page = signed_in("/gallery/5000001/edit/")(portal, phone)
    page.get_by_label("Name").fill("Holiday 2026 II")
    page.get_by_label("Remove the PIN").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", name=re.compile("^Edit: Holiday 2026 II"))).to_be_visible()
    return page


def second_step_owed(path: str, *, app: bool) -> Callable[[Portal, bool], Page]:
    """The agency's manager signed in with the password alone: asked to set up an app, or (`app`) for
    its code."""

    def open_page(portal: Portal, phone: bool) -> Page:
        user = demo_agency().user
        if app:
            totp_device_confirmed(user)
        page = portal.page(user=user, phone=phone, second_step=False)
        page.goto(path)
        return page

    return open_page


def recovery_codes(portal: Portal, phone: bool) -> Page:
    page = agency_page("/accounts/two-step/")(portal, phone)
    page.get_by_role("button", name="Make new recovery codes").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    return page


def sign_in_paused(portal: Portal, phone: bool) -> Page:
    demo_user()
    for _ in range(5):
        Client().post("/accounts/login/", {"username": "demo", "password": "wrong"})  # 127.0.0.1, as the browser
    page = portal.page(phone=phone)
    portal.sign_in(page, "demo")
    expect(page.get_by_role("heading", name="Too many failed sign-ins")).to_be_visible()
    return page


@dataclass(frozen=True)
class Screen:
    slug: str
    name: str
    open: Callable[[Portal, bool], Page]
    screenshot: bool = False
    phone_screenshot: bool = False
    settings: dict = field(default_factory=dict)  # settings to open the page under


SCREENS = [
    Screen("sign-in", "Sign in", signed_out("/accounts/login/"), screenshot=True),
    Screen("dashboard", "Dashboard", signed_in("/"), screenshot=True),
    Screen("dashboard-not-connected", "Dashboard, not connected", signed_in("/", connected=False)),
    Screen("create-album", "Create album", signed_in("/albums/new/"), screenshot=True, phone_screenshot=True),
    Screen("create-album-refused", "Create album, refused input", create_form_refused, screenshot=True),
    Screen("album-new-pin", "Album record, new PIN shown once", record_with_new_pin, screenshot=True, phone_screenshot=True),
    Screen("album-failed", "Album record, failed attempt", demo_record("Beach day")),
    Screen("album-unknown", "Album record, outcome unknown", demo_record("Night out")),
    Screen("history", "History", signed_in("/albums/"), screenshot=True),
    Screen("refresh", "Refresh from AdultWork", signed_in("/albums/sync/")),
    Screen("refresh-result", "Refresh from AdultWork, result", refreshed_from_adultwork, screenshot=True),
    Screen("connection", "Connection", signed_in("/connect/"), screenshot=True),
    Screen("connection-none", "Connection, not connected", signed_in("/connect/", connected=False)),
    Screen("unified-login", "Unified Login (stand-in)", unified_login, screenshot=True),
    Screen("login-problem", "Login answer refused", signed_in("/connect/callback/?state=forged&code=x")),
    Screen("login-misconfigured", "Login refused the portal's client", login_misconfigured),
    Screen("not-found", "Page not found", signed_in("/albums/999999/")),
    Screen("form-expired", "Form expired (CSRF)", form_expired),
    Screen("form-unreadable", "Form not understood (another charset)", form_unreadable),
    Screen("member-album-create", "Create album for a member, searched", member_picked, screenshot=True),
    Screen("members", "Agency members, from AdultWork", with_bulk_jobs("/members/"), screenshot=True),
    Screen("members-by-hand", "Agency members, kept by hand", agency_page("/members/", by_hand=True),
           settings={"AW_API_KEY": ""}),
    Screen("member-add-refused", "Add a member, refused input", member_add_refused, settings={"AW_API_KEY": ""}),
    Screen("bulk-job-create", "Create one album for many members", agency_page("/albums/bulk/new/")),
    Screen("members-search-refused", "Agency members, search refused", agency_page("/members/?q=" + "x" * 101)),
    Screen("members-loading", "Agency members, loading from AdultWork", roster_loading,
           settings={"TASKS": DATABASE_TASKS}),
    Screen("bulk-job-csv", "Albums from a spreadsheet", agency_page("/albums/bulk/csv/")),
    Screen("bulk-job-csv-preview", "Albums from a spreadsheet, checked: good and refused rows", csv_previewed,
           screenshot=True),
    Screen("bulk-jobs", "Bulk jobs", with_bulk_jobs("/albums/bulk/")),
    Screen("bulk-job-running", "Bulk job, running", bulk_job_page(running_job), screenshot=True),
    Screen("bulk-job-running-no-js", "Bulk job, running, without JavaScript",
           bulk_job_page(running_job, java_script_enabled=False)),
    Screen("bulk-job-finished", "Bulk job, finished: created, failed, unknown", bulk_job_page(finished_job),
           screenshot=True),
    Screen("member-album", "Album record for a member", member_record),
    Screen("bulk-job-pins", "Bulk job, finished: each member's PIN, shown once", job_with_generated_pins,
           screenshot=True),
    Screen("gallery", "Gallery", signed_in("/gallery/"), screenshot=True),
    Screen("album-edit", "Edit album", signed_in("/gallery/5000001/edit/"), screenshot=True),
    Screen("album-edited", "Album record, an edit", album_edited),
    Screen("album-remove", "Remove album", signed_in("/gallery/5000001/remove/"), screenshot=True),
    Screen("picture-upload", "Add pictures", signed_in("/gallery/5000001/pictures/"), screenshot=True, phone_screenshot=True),
    Screen("pictures-chosen", "Add pictures, titles to check", pictures_chosen, screenshot=True),
    Screen("pictures-sent", "Add pictures, sent", pictures_sent, screenshot=True),
    Screen("gallery-member", "Gallery, a member's albums", agency_page(f"/gallery/?member={FIRST_GROUP_MEMBER_ID}")),
    Screen("sign-in-paused", "Sign-in paused after failed attempts", sign_in_paused),
    Screen("two-step-off", "Two-step sign-in, off", signed_in("/accounts/two-step/")),
    Screen("two-step-on", "Two-step sign-in, on", agency_page("/accounts/two-step/")),
    Screen("two-step-setup", "Two-step sign-in, set up (owed)", second_step_owed("/accounts/two-step/setup/", app=False),
           screenshot=True),
    Screen("two-step-verify", "Two-step sign-in, the code", second_step_owed("/accounts/two-step/verify/", app=True),
           screenshot=True),
    Screen("recovery-codes", "Recovery codes, shown once", recovery_codes),
]


@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: screen.slug)
def test_each_page_is_accessible_valid_and_fits_a_phone(portal, settings, screen):
    for name, value in screen.settings.items():
        setattr(settings, name, value)
    page = screen.open(portal, False)
    portal.check(page, screen.name)
    if screen.screenshot:
        portal.screenshot(page, screen.slug)

    phone = screen.open(portal, True)
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{screen.name} is {overflow}px wider than a phone"
    portal.check_accessible(phone, f"{screen.name}, phone")  # what scrolls, and what must be reachable, differs
    if screen.phone_screenshot:
        portal.screenshot(phone, f"{screen.slug}-phone", full_page=False)  # what a phone shows first


def test_the_checks_catch_what_they_are_for(portal, html_checker):
    page = portal.page()
    page.set_content('<main><img src="data:,"><input type="text"><p>unclosed <div></p></main>')

    by_impact = AxeReport().check(page, "a bad page")
    errors = html_checker.errors("<!DOCTYPE html><html><head></head><body><p>x<div></p></body></html>")

    assert any(entry.startswith("image-alt") for entry in by_impact["critical"])
    assert any(entry.startswith("label") for entry in by_impact["critical"])
    assert any("title" in error for error in errors) and any("“p”" in error for error in errors)
