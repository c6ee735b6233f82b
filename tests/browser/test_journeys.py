"""What people do with the portal, done in Chromium the way they do it: clicks, typing, the keyboard.

Every page here runs under the portal's real Content Security Policy (no test bypasses it), so the
counter, Generate PIN and Copy PIN working at all proves the pages' own JavaScript is allowed.
"""

from __future__ import annotations

import copy
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from albums.forms import pin_guessable_reason
from albums.models import AlbumRecord, Connection
from tests.factories import AlbumRecordFactory, ConnectionFactory, UserFactory

pytestmark = pytest.mark.browser

PIN = re.compile(r"^[A-Za-z0-9]{4}$")


def field(page: Page, label: str):
    """The form group (label, help, errors, input) of the field labelled `label`."""
    return page.locator(".field").filter(has=page.get_by_label(label))


def test_signing_in_and_out_through_the_forms(portal):
    UserFactory(username="ann")
    page = portal.page()

    page.goto("/albums/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/albums/$"))
    page.get_by_label("Username").fill("ann")
    page.get_by_label("Password").fill("portal-password-1")
    page.get_by_label("Password").press("Enter")

    expect(page).to_have_url(re.compile(r"/albums/$"))
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text("Signed in as ann.")
    expect(page.get_by_role("link", name="AdultWork not connected")).to_be_visible()
    page.get_by_role("button", name="Sign out ann").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("Signed out.")


def test_a_wrong_password_is_refused_on_the_page(portal):
    UserFactory(username="ann")
    page = portal.page()
    portal.sign_in(page, "ann", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("enter a correct username and password")


def test_connecting_through_unified_login_in_the_browser(portal):
    user = UserFactory()
    page = portal.page(user=user)
    page.goto("/connect/")

    portal.approve_at_unified_login(page, "demo_agency (200001)")

    expect(page.locator(".messages")).to_contain_text("Connected AdultWork account 200001 through AdultWork's login.")
    portal.set_up_second_factor(page)  # a group manager now: asked for a second factor before anything else
    expect(page).to_have_url(re.compile(r"/connect/$"))
    expect(page.get_by_role("link", name="AdultWork 200001")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("Demo Agency (manager)")
    connection = Connection.objects.get(user=user)
    assert connection.source == Connection.Source.OAUTH and connection.refresh_token_encrypted


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture
def signin_elsewhere(portal) -> str:
    """The stand-in's sign-in page on a third origin (another host name), PKCE required; its URL."""
    login_url = portal.standin.url.replace("127.0.0.1", "localhost") + "/Account/Login"
    assert len({_origin(login_url), _origin(portal.url), portal.standin.url}) == 3
    portal.standin.config(login_url=login_url, require_pkce=True)
    return login_url


def test_connecting_when_the_sign_in_page_is_on_another_origin(portal, signin_elsewhere):
    user = UserFactory()
    page = portal.page(user=user)
    policy = page.goto("/connect/").headers["content-security-policy"]
    # The portal's real policy: no other origin at all. (django-csp writes the directives in set order.)
    assert "form-action 'self'" in [directive.strip() for directive in policy.split(";")]

    page.get_by_role("link", name="Connect AdultWork account").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(signin_elsewhere)}\?ReturnUrl="))
    page.get_by_label("Account").select_option(label="demo_member (100001)")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(portal.standin.url)}/OAuth/Authorize\?"))
    page.get_by_role("button", name="Approve").click()

    expect(page).to_have_url(re.compile(r"/connect/$"))
    expect(page.locator(".messages")).to_contain_text("Connected AdultWork account 100001 through AdultWork's login.")
    assert Connection.objects.get(user=user).aw_user_id == 100001


def test_a_form_starting_the_login_would_be_stopped_by_the_csp_on_the_way_to_the_other_origin(portal, signin_elsewhere, settings):
    """Why Connect is a link: the same start as a form, even a GET form, is held to form-action through
    its redirects, and Chromium stops it at the sign-in page's origin without a word to the user, even
    under the policy the portal had until now, which allowed the authorize endpoint's origin."""
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = ["'self'", portal.standin.url]
    settings.CONTENT_SECURITY_POLICY = policy
    page = portal.page(user=UserFactory())
    page.goto("/connect/")
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "form-action" in message.text else None)

    page.evaluate(
        """() => { const form = document.createElement("form"); form.method = "get"; form.action = "/connect/start/";
                   document.body.append(form); form.submit(); }"""
    )

    # Chromium names the form's own URL, not the redirect it refused to follow (that could leak where
    # the redirect went), and the browser stays on the portal's page.
    page.wait_for_timeout(1000)
    assert violations and "/connect/start/" in violations[0] and "has been blocked" in violations[0]
    assert page.url == f"{portal.url}/connect/"
    # It got as far as the authorize endpoint, which the policy allows, and no further.
    assert len(portal.standin.requests("/oauth/authorize")) == 1 and portal.standin.requests("/account/login") == []
    portal.problems = [problem for problem in portal.problems if problem not in violations]


def test_cancelling_unified_login_changes_nothing(portal):
    user = UserFactory()
    page = portal.page(user=user)
    page.goto("/connect/")
    page.get_by_role("link", name="Connect AdultWork account").click()
    page.get_by_role("button", name="Cancel").click()

    expect(page.get_by_role("heading", name="Login cancelled")).to_be_visible()
    expect(page.get_by_role("link", name="AdultWork not connected")).to_be_visible()
    assert not Connection.objects.filter(user=user).exists()


def test_creating_an_album_without_a_pin(portal):
    page = portal.page(user=ConnectionFactory().user)
    page.goto("/albums/new/")
    page.get_by_label("Name").fill("Look at my pictures")
    page.get_by_label("Description").fill("My new album!")
    page.get_by_role("button", name="Create album").click()

    record = AlbumRecord.objects.get()
    expect(page).to_have_url(re.compile(rf"{record.get_absolute_url()}$"))
    expect(page.locator(".messages")).to_contain_text(f"Album created on AdultWork with AlbumID {record.album_id}.")
    expect(page.get_by_role("heading", name="Look at my pictures")).to_be_visible()
    expect(page.get_by_role("heading", name="The album's PIN")).to_have_count(0)
    assert portal.standin.albums(100001)[-1]["AlbumName"] == "Look at my pictures"


def test_generate_pin_then_the_new_pin_is_shown_once_with_a_working_copy_button(portal):
    page = portal.page(user=ConnectionFactory().user, permissions=["clipboard-read", "clipboard-write"])
    response = page.goto("/albums/new/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    pin_input = page.get_by_label("PIN number")

    page.get_by_role("button", name="Generate PIN").click()
    expect(pin_input).to_have_value(PIN)
    first = pin_input.input_value()
    page.get_by_role("button", name="Generate PIN").click()
    expect(pin_input).not_to_have_value(first)
    pin = pin_input.input_value()
    assert PIN.match(pin) and pin_guessable_reason(pin) is None
    expect(field(page, "PIN number").get_by_role("status")).to_have_text("A new PIN is filled in.")

    page.get_by_label("Name").fill("Private set")
    page.get_by_label("PIN price").fill("2.5")
    page.get_by_role("button", name="Create album").click()

    expect(page.locator("#album-pin")).to_have_text(pin)
    page.get_by_role("button", name="Copy PIN").click()
    expect(page.get_by_text("Copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == pin
    assert portal.standin.requests("createalbum")[-1]["json"]["PinNumber"] == pin

    page.reload()
    expect(page.locator("#album-pin")).to_have_count(0)
    assert pin not in page.content()
    page.get_by_role("button", name="Show PIN").click()
    expect(page.locator("#album-pin")).to_have_text(pin)
    page.get_by_role("link", name="Back to the history").click()
    expect(page.get_by_role("link", name="Private set")).to_be_visible()
    assert pin not in page.content()


def test_the_name_counter_counts_as_the_server_does(portal):
    page = portal.page(user=ConnectionFactory().user)
    page.goto("/albums/new/")
    name = page.get_by_label("Name")
    counter = page.locator("#id_name_counter")

    expect(counter).to_have_text("0 of 20 characters")
    name.press_sequentially("Look 😀")
    expect(counter).to_have_text("7 of 20 characters")  # the emoji is two UTF-16 code units
    name.fill("x" * 19)
    name.press_sequentially("😀")  # 21 units: maxlength counts as the server does and refuses it
    expect(name).to_have_value("x" * 19)
    name.fill("😀" * 10)
    expect(counter).to_have_text("20 of 20 characters")
    page.get_by_role("button", name="Create album").click()

    expect(page.locator(".messages")).to_contain_text("Album created")
    assert AlbumRecord.objects.get().name == "😀" * 10


def test_each_error_is_shown_next_to_its_field(portal):
    page = portal.page(user=ConnectionFactory().user)
    page.goto("/albums/new/")
    page.get_by_label("PIN number").fill("1234")
    page.get_by_role("button", name="Create album").click()

    expect(field(page, "Name").locator(".errorlist")).to_have_text("Enter a name for the album.")
    expect(field(page, "PIN number").locator(".errorlist")).to_contain_text("This PIN is easy to guess (a straight run)")
    expect(page.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert").get_by_role("link", name=re.compile("^PIN number:"))).to_be_visible()
    expect(page.get_by_label("PIN number")).to_have_value("")  # a PIN is never sent back to the browser
    assert portal.standin.requests("createalbum") == []


def test_everything_works_with_javascript_off(portal):
    page = portal.page(user=ConnectionFactory().user, java_script_enabled=False)
    page.goto("/albums/new/")

    expect(page.get_by_role("button", name="Generate PIN")).to_be_hidden()
    expect(page.locator("#id_name_counter")).to_be_hidden()
    page.get_by_label("Name").fill("No script")
    page.get_by_label("PIN number").fill("0000")
    page.get_by_label("PIN price").fill("1")
    page.get_by_role("button", name="Create album").click()
    refusal = field(page, "PIN number").locator(".errorlist").inner_text()
    assert "easy to guess" in refusal

    suggestion = page.locator("[data-pin-note] .pin").inner_text()
    assert PIN.match(suggestion) and pin_guessable_reason(suggestion) is None
    page.get_by_label("PIN number").fill(suggestion)
    page.get_by_role("button", name="Create album").click()

    expect(page.locator("#album-pin")).to_have_text(suggestion)
    expect(page.get_by_role("button", name="Copy PIN")).to_be_hidden()  # the PIN is plain text to select
    page.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    expect(page.get_by_role("link", name="No script")).to_be_visible()


def test_the_history_lists_every_attempt_and_leads_to_each_record(portal):
    user = ConnectionFactory().user
    AlbumRecordFactory(created_by=user, name="Sent fine")
    AlbumRecordFactory(created_by=user, name="Went wrong", status=AlbumRecord.Status.FAILED, album_id=None,
                       error_message="AdultWork is limiting requests right now.")
    AlbumRecordFactory(name="Someone else's")
    page = portal.page(user=user)
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()

    rows = page.get_by_role("row")
    expect(rows.filter(has_text="Sent fine")).to_contain_text("Created")
    expect(rows.filter(has_text="Went wrong")).to_contain_text("Failed")
    expect(page.get_by_text("Someone else's")).to_have_count(0)
    page.get_by_role("link", name="Went wrong").click()
    expect(page.get_by_text("AdultWork is limiting requests right now.")).to_be_visible()
