"""Browser tests: Debian's chromium, driven by Playwright, against a live portal wired to the stand-in.

One browser for the whole run and a fresh context (cookies, storage) per page a test opens. Each test
gets `portal`, which opens pages (signed in or not, desktop or phone, JavaScript on or off), checks a
page (axe-core, the Nu HTML checker) and saves screenshots. A test fails when any page it opened logged
a JavaScript error or a Content Security Policy violation.
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Response, expect, sync_playwright

from harness.second_factor import SignedInClient, totp_code, totp_device_confirmed
from harness.standin import ROOT, StandInControl
from tests.support.browser import DESKTOP, FAILING_IMPACTS, PHONE, AxeReport, HtmlChecker, chromium_launch

# Where screenshots go: var/ (ignored by git) unless `make screenshots` points this at docs/screenshots.
SCREENSHOTS_DIR = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / "var" / "screenshots")
_axe_report = AxeReport()


def pytest_terminal_summary(terminalreporter):
    if _axe_report.pages:
        terminalreporter.section("axe-core, per page (fails on: " + ", ".join(FAILING_IMPACTS) + ")")
        for line in _axe_report.summary_lines():
            terminalreporter.write_line(line)


@pytest.fixture(scope="package")
def chromium():
    """One browser for the browser suite, closed when the suite is done.

    Playwright's sync API keeps an asyncio loop running in this thread meanwhile, so Django would
    refuse the ORM calls tests make to set up data; they are plain synchronous calls all the same.
    The package scope keeps that allowance away from the other suites.
    """
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = chromium_launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def html_checker():
    checker = HtmlChecker()
    yield checker
    checker.stop()


class Portal:
    """The live portal as a browser sees it."""

    def __init__(self, *, url: str, standin: StandInControl, browser: Browser, html_checker: HtmlChecker) -> None:
        self.url = url
        self.standin = standin
        self._browser = browser
        self._html_checker = html_checker
        self._contexts: list[BrowserContext] = []
        self._documents: dict[Page, Response] = {}
        self._scriptless: dict[Page, bool] = {}  # pages opened without JavaScript: whether at phone width
        self.problems: list[str] = []

    def page(self, *, user=None, phone: bool = False, second_step: bool = True, **context_options) -> Page:
        """A page in a new browser context, signed in as `user` when given: past the second step too
        where it is owed, unless second_step=False (then with the password alone).

        `context_options` go to Playwright's new_context: java_script_enabled=False, bypass_csp=True,
        permissions=[...].
        """
        context = self._browser.new_context(base_url=self.url, **(PHONE if phone else DESKTOP), **context_options)
        self._contexts.append(context)
        if user is not None:
            client = SignedInClient() if second_step else Client()
            client.force_login(user)
            cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
            context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": self.url}])
        page = context.new_page()
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        page.on("response", lambda response: self._response(page, response))
        if context_options.get("java_script_enabled") is False:
            self._scriptless[page] = phone
        return page

    def _console(self, message: ConsoleMessage) -> None:
        # Failed loads are judged in _response, which knows the URL (a 400 page can be the point of a test).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(message.text)

    def _response(self, page: Page, response: Response) -> None:
        if response.request.resource_type == "document":
            if response.frame == page.main_frame:
                self._documents[page] = response
        elif response.status >= 400 and not response.url.endswith("/favicon.ico"):  # the stand-in has none
            self.problems.append(f"{response.status} for {response.url}")

    def sign_in(self, page: Page, username: str, password: str = "portal-password-1") -> None:
        """Sign in through the sign-in form (the factories' users have the default password), and with
        the code their authenticator app would show when the portal asks for one."""
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        if re.search(r"/accounts/two-step/verify/", page.url):
            device = totp_device_confirmed(get_user_model().objects.get(username=username))
            # The next step's code: django-otp takes each step's once, and the test may have used this one.
            page.get_by_label("Code").fill(totp_code(device, steps_ahead=1))
            page.get_by_role("button", name="Continue").click()

    def set_up_second_factor(self, page: Page) -> str:
        """On the setup page, add the portal to the "app" (the key shown as text), confirm with its code,
        and continue past the recovery codes. Returns the key."""
        expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
        key = page.locator(".secret-key").inner_text().replace(" ", "")
        page.get_by_label("Code").fill(totp_code(TOTPDevice(key=base64.b32decode(key).hex())))
        page.get_by_role("button", name="Turn on two-step sign-in").click()
        expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
        page.get_by_role("link", name="I have saved them, continue").click()
        return key

    def approve_at_unified_login(self, page: Page, account: str) -> None:
        """From the Connection page, through the stand-in's Unified Login as `account`, and back."""
        page.get_by_role("link", name="Connect AdultWork account").click()
        expect(page).to_have_url(re.compile(rf"^{re.escape(self.standin.url)}/OAuth/Authorize\?"))
        page.get_by_label("Sign in as").select_option(label=account)
        page.get_by_role("button", name="Approve").click()

    def check(self, page: Page, name: str) -> None:
        """No serious or critical axe-core violation on the page as it is now, and its HTML is valid."""
        self.check_accessible(page, name)
        errors = self._html_checker.errors(self._documents[page].text())
        assert not errors, f"HTML of {name}: {errors}"

    def check_accessible(self, page: Page, name: str) -> None:
        """No serious or critical axe-core violation on the page as it is now."""
        by_impact = _axe_report.check(self._scriptless_copy(page) if page in self._scriptless else page, name)
        failing = {impact: by_impact[impact] for impact in FAILING_IMPACTS if impact in by_impact}
        assert not failing, f"axe-core on {name}: {failing}"

    def _scriptless_copy(self, page: Page) -> Page:
        """What a browser without JavaScript built of `page`, in a page where axe-core can run.

        axe-core needs JavaScript, and with it on a browser ignores <noscript>. So the copy is the page's
        HTML as served, its scripts taken out and its <noscript> content made live, shown at the same
        URL (so its styles load) in a page with JavaScript on.
        """
        document = self._documents[page]
        html = re.sub(r"<script\b[^>]*>.*?</script>", "", document.text(), flags=re.S | re.I)
        html = re.sub(r"</?noscript>", "", html, flags=re.I)
        copy = self.page(phone=self._scriptless[page])
        copy.route(document.url, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html))
        copy.goto(document.url)
        return copy

    def screenshot(self, page: Page, name: str, *, full_page: bool = True) -> Path:
        """Save the page as `name`.png in SCREENSHOTS_DIR, whole or (full_page=False) what fits the window."""
        SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS_DIR / f"{name}.png"
        page.screenshot(path=path, full_page=full_page, animations="disabled", caret="hide")
        return path

    def close(self) -> None:
        for context in self._contexts:
            context.close()


@pytest.fixture
def portal(live_server, standin, settings, chromium, html_checker):
    """The live portal, pointed at the stand-in, whose Unified Login knows the portal's callback."""
    settings.AW_API_BASE_URL = standin.url
    settings.AW_OAUTH_BASE_URL = standin.url
    standin.register_client(
        client_id=settings.AW_CLIENT_ID,
        client_secret=settings.AW_CLIENT_SECRET,
        redirect_uris=[f"{live_server.url}/connect/callback/"],
    )
    driver = Portal(url=live_server.url, standin=standin, browser=chromium, html_checker=html_checker)
    yield driver
    driver.close()
    assert not driver.problems, f"the pages logged errors: {driver.problems}"
