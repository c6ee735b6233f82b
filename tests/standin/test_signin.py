"""The stand-in's sign-in page on another origin than its authorize endpoint (config `login_url`)."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.standin.test_oauth import authorize_query


@pytest.fixture
def login_url(aw) -> str:
    """The same server through another host name: another origin than the authorize endpoint's."""
    url = aw.url.replace("127.0.0.1", "localhost") + "/Account/Login"
    aw.control("POST", "config", {"login_url": url})
    return url


def test_a_browser_not_signed_in_goes_to_the_sign_in_page_and_back_to_a_consent_page_for_that_account(aw, login_url):
    browser = requests.Session()
    authorize = f"{aw.url}/OAuth/Authorize?{authorize_query()}"

    to_signin = browser.get(authorize, allow_redirects=False, timeout=5)
    assert to_signin.status_code == 302 and to_signin.headers["Location"].startswith(login_url + "?ReturnUrl=")
    page = browser.get(to_signin.headers["Location"], timeout=5)
    assert page.status_code == 200 and 'name="ReturnUrl"' in page.text
    back = browser.post(login_url, data={"user_id": "200001", "ReturnUrl": authorize}, allow_redirects=False, timeout=5)
    assert back.headers["Location"].startswith(authorize + "&login_ticket=")
    consent = browser.get(back.headers["Location"], timeout=5)

    assert consent.url == authorize and 'value="200001"' in consent.text and 'value="100001"' not in consent.text
    decision = browser.post(
        f"{aw.url}/OAuth/Authorize",
        data={**{k: v[0] for k, v in parse_qs(urlsplit(authorize).query).items()}, "user_id": "200001", "decision": "approve",
              "granted_scope": ["profile_gallery"]},
        allow_redirects=False,
        timeout=5,
    )
    assert "code=" in decision.headers["Location"]


def test_the_decision_must_be_for_the_account_signed_in(aw, login_url):
    form = {**{k: v[0] for k, v in parse_qs(authorize_query()).items()}, "user_id": "100001", "decision": "approve"}
    assert aw.call("POST", "/OAuth/Authorize", data=form, allow_redirects=False).status_code == 400


@pytest.mark.parametrize("return_url", ["https://elsewhere.example/steal", "/OAuth/Authorize", "javascript:alert(1)"])
def test_the_sign_in_page_sends_browsers_back_to_an_authorize_endpoint_only(aw, login_url, return_url):
    assert aw.call("GET", "/Account/Login", params={"ReturnUrl": return_url}).status_code == 400
    posted = aw.call("POST", "/Account/Login", data={"user_id": "100001", "ReturnUrl": return_url}, allow_redirects=False)
    assert posted.status_code == 400


def test_a_ticket_is_good_once(aw, login_url):
    authorize = f"{aw.url}/OAuth/Authorize?{authorize_query()}"
    back = aw.call("POST", "/Account/Login", data={"user_id": "100001", "ReturnUrl": authorize}, allow_redirects=False)
    ticketed = back.headers["Location"]
    assert aw.call("GET", ticketed.removeprefix(aw.url), allow_redirects=False).status_code == 302
    assert aw.call("GET", ticketed.removeprefix(aw.url), allow_redirects=False).status_code == 400
