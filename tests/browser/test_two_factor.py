"""Two-step sign-in in Chromium: an administrator sets up an authenticator app when first asked, then
signs in with password and code; a recovery code stands in for a lost phone. With JavaScript and without."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("java_script", [True, False], ids=["js", "no-js"])
def test_an_administrator_sets_up_an_app_then_signs_in_with_its_code(portal, java_script):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    page = portal.page(java_script_enabled=java_script)

    portal.sign_in(page, "root")
    expect(page).to_have_url(re.compile(r"/accounts/two-step/setup/\?next=%2F$"))
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)  # nothing else opens yet
    expect(page.get_by_role("img", name=re.compile("QR code that adds AW Portal"))).to_be_visible()
    portal.set_up_second_factor(page)
    expect(page.get_by_role("heading", name="Hello, root")).to_be_visible()
    page.get_by_role("button", name="Sign out root").click()

    portal.sign_in(page, "root")  # password, then the code the page asks for
    expect(page.get_by_role("heading", name="Hello, root")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def test_a_recovery_code_signs_in_once_without_the_phone(portal):
    UserFactory(username="ops", is_staff=True)
    page = portal.page()
    portal.sign_in(page, "ops")
    portal.set_up_second_factor(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Two-step sign-in").click()
    page.get_by_role("button", name="Make new recovery codes").click()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10

    other = portal.page()
    other.goto("/accounts/login/")
    other.get_by_label("Username").fill("ops")
    other.get_by_label("Password").fill("portal-password-1")
    other.get_by_role("button", name="Sign in").click()
    other.get_by_label("Code").fill(codes[0])
    other.get_by_role("button", name="Continue").click()
    expect(other.locator(".messages")).to_contain_text("You used a recovery code; 9 left.")
    expect(other.get_by_role("heading", name="Hello, ops")).to_be_visible()

    third = portal.page()
    portal.sign_in(third, "ops", "portal-password-1")  # fills the app's code
    third.get_by_role("button", name="Sign out ops").click()
    third.goto("/accounts/login/")
    third.get_by_label("Username").fill("ops")
    third.get_by_label("Password").fill("portal-password-1")
    third.get_by_role("button", name="Sign in").click()
    third.get_by_label("Code").fill(codes[0])  # used up
    third.get_by_role("button", name="Continue").click()
    expect(third.get_by_role("alert")).to_contain_text("That code does not match.")


def test_too_many_wrong_passwords_pause_only_that_user_from_that_address_and_say_until_when(portal):
    UserFactory(username="ann")
    for _ in range(5):
        Client().post("/accounts/login/", {"username": "ann", "password": "wrong"})  # 127.0.0.1, as the browser

    page = portal.page()
    portal.sign_in(page, "ann")

    expect(page.get_by_role("heading", name="Too many failed sign-ins")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"Try again after \d\d:\d\d \(UTC\), in 15 minutes\."))
