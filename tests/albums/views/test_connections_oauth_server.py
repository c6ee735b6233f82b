"""Connecting through django-oauth-toolkit, an OAuth 2.0 server nobody here wrote, over real HTTP.

The portal runs as a live server and is driven by plain HTTP requests the way a browser without
JavaScript drives it; the toolkit (tests/support/oauth_server) serves the authorize and token endpoints
at AdultWork's paths with PKCE required, refresh tokens rotated (a reused one revokes its family) and
access tokens that live 30 seconds, less than the portal's refresh margin, so every use of the
connection refreshes first. The API calls go to the stand-in, which accepts the toolkit's tokens.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from albums.crypto import secret_decrypt
from albums.models import AlbumRecord, Connection
from tests.factories import DEMO_MEMBER_ID, UserFactory
from tests.support.dot import OAuthServerProcess, sign_in_and_decide
from tests.support.forms import form_send

CLIENT_ID, CLIENT_SECRET = "awportal-dot", "a-secret-only-the-portal-and-the-toolkit-know"


@pytest.fixture(scope="session")
def oauth_server(live_server, standin_process):
    server = OAuthServerProcess(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri=f"{live_server.url}/connect/callback/",
        resource_server=standin_process.url,
    )
    yield server
    server.stop()


@pytest.fixture
def portal(live_server, oauth_server, standin, settings, transactional_db):
    settings.AW_OAUTH_BASE_URL = oauth_server.url
    settings.AW_API_BASE_URL = standin.url
    settings.AW_CLIENT_ID, settings.AW_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    return live_server.url


@pytest.fixture
def browser(portal):
    """A signed-in portal user's browser (without JavaScript)."""
    user = UserFactory()
    with requests.Session() as http:
        http.user = user
        form_send(http, http.get(f"{portal}/accounts/login/", timeout=10), fill={"username": user.username, "password": "portal-password-1"})
        yield http
        # Closed before the test's database goes: a kept-alive connection holds a live server thread.


def connect(browser: requests.Session, portal: str, *, allow: bool = True) -> requests.Response:
    """Press Connect (a link to /connect/start/) and go through the toolkit's sign-in and consent."""
    login_page = browser.get(f"{portal}/connect/start/", timeout=10)
    assert "/accounts/login/" in login_page.url, login_page.url
    return sign_in_and_decide(browser, login_page, username=str(DEMO_MEMBER_ID), allow=allow)


def album_send(browser: requests.Session, portal: str, name: str) -> requests.Response:
    return form_send(browser, browser.get(f"{portal}/albums/new/", timeout=10), fill={"name": name}, index=1)


def tokens(user) -> tuple[str, str]:
    connection = Connection.objects.get(user=user)
    return secret_decrypt(connection.access_token_encrypted), secret_decrypt(connection.refresh_token_encrypted)


def test_connecting_runs_the_code_flow_with_pkce_s256(browser, portal, standin):
    page = connect(browser, portal)

    assert page.url == f"{portal}/connect/" and "Connected AdultWork account 100001" in page.text
    authorize = next(r for r in page.history if "/OAuth/Authorize" in r.url)
    query = parse_qs(urlsplit(authorize.url).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    connection = Connection.objects.get(user=browser.user)
    assert connection.source == Connection.Source.OAUTH and connection.aw_user_id == DEMO_MEMBER_ID
    assert connection.scope_set == {"profile_gallery", "account_information"}
    access, _ = tokens(browser.user)
    assert standin.requests("verifycredentials")[-1]["headers"]["Authorization"] == f"Bearer {access}"


def test_each_use_refreshes_the_short_lived_token_and_the_refresh_token_rotates(browser, portal, standin):
    connect(browser, portal)
    first_access, first_refresh = tokens(browser.user)

    page = album_send(browser, portal, "Rotated")

    assert "Album created" in page.text or "AlbumID" in page.text, page.text
    access, refresh = tokens(browser.user)
    assert access != first_access and refresh != first_refresh
    assert standin.requests("createalbum")[-1]["headers"]["Authorization"] == f"Bearer {access}"
    album_send(browser, portal, "Rotated again")
    assert tokens(browser.user)[1] not in (refresh, first_refresh)
    assert AlbumRecord.objects.filter(status=AlbumRecord.Status.CREATED).count() == 2


def test_a_reused_refresh_token_ends_the_grant_and_the_user_is_asked_to_reconnect(browser, portal, oauth_server, standin):
    connect(browser, portal)
    _, stolen = tokens(browser.user)
    album_send(browser, portal, "First")  # rotates: the stolen token is now spent

    replay = oauth_server.token_call(grant_type="refresh_token", refresh_token=stolen)
    assert (replay.status_code, replay.json()["error"]) == (400, "invalid_grant")
    page = album_send(browser, portal, "After the replay")

    assert "needs reconnecting" in page.text and 'value="After the replay"' in page.text
    assert Connection.objects.get(user=browser.user).status == Connection.Status.NEEDS_RECONNECT
    assert len(standin.requests("createalbum")) == 1


def test_a_grant_revoked_at_the_server_asks_the_user_to_reconnect(browser, portal, oauth_server, standin):
    connect(browser, portal)
    oauth_server.revoke(tokens(browser.user)[1])

    page = album_send(browser, portal, "After revoking")

    assert "needs reconnecting" in page.text
    assert Connection.objects.get(user=browser.user).status == Connection.Status.NEEDS_RECONNECT
    assert standin.requests("createalbum") == []


def test_denying_at_the_consent_page_connects_nothing_and_says_so(browser, portal, standin):
    page = connect(browser, portal, allow=False)

    assert "You cancelled the login" in page.text
    assert not Connection.objects.filter(user=browser.user).exists()


def test_a_wrong_client_secret_tells_the_user_an_administrator_must_fix_it(browser, portal, settings, caplog):
    settings.AW_CLIENT_SECRET = "not-the-secret"

    with caplog.at_level(logging.ERROR):
        page = connect(browser, portal)

    assert page.status_code == 502 and "misconfigured" in page.text and "administrator has been told" in page.text
    assert "start again" not in page.text.lower()
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("invalid_client" in m and "AW_CLIENT_SECRET" in m for m in logged), logged
    assert not any("not-the-secret" in m for m in logged)
    assert not Connection.objects.filter(user=browser.user).exists()


def test_a_wrong_client_secret_at_refresh_keeps_the_connection_and_blames_the_configuration(browser, portal, settings, standin):
    connect(browser, portal)
    settings.AW_CLIENT_SECRET = "not-the-secret"

    page = album_send(browser, portal, "Misconfigured")

    assert "misconfigured" in page.text and 'value="Misconfigured"' in page.text
    assert Connection.objects.get(user=browser.user).status == Connection.Status.ACTIVE
    assert standin.requests("createalbum") == []
