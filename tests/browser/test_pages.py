"""Every page, in each state worth seeing: no serious or critical axe-core violation, valid HTML, fits a phone.

To cover a new page, add a Screen: a name and a function that opens the page in the state to check.
Screens with `screenshot` set are the README's pictures (docs/screenshots, written by `make screenshots`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from albums.models import AlbumRecord, Connection
from tests.browser.conftest import Portal
from tests.factories import AlbumRecordFactory, ConnectionFactory, UserFactory
from tests.support.browser import AxeReport

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


def unified_login(portal: Portal, phone: bool) -> Page:
    page = signed_in("/connect/", connected=False)(portal, phone)
    page.get_by_role("button", name="Connect AdultWork account").click()
    expect(page.get_by_role("heading", name="Sign in with AdultWork.com")).to_be_visible()
    return page


@dataclass(frozen=True)
class Screen:
    slug: str
    name: str
    open: Callable[[Portal, bool], Page]
    screenshot: bool = False
    phone_screenshot: bool = False


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
    Screen("not-found", "Page not found", signed_in("/albums/999999/")),
    Screen("form-expired", "Form expired (CSRF)", form_expired),
]


@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: screen.slug)
def test_each_page_is_accessible_valid_and_fits_a_phone(portal, screen):
    page = screen.open(portal, False)
    portal.check(page, screen.name)
    if screen.screenshot:
        portal.screenshot(page, screen.slug)

    phone = screen.open(portal, True)
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{screen.name} is {overflow}px wider than a phone"
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
