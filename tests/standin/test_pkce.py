"""PKCE at the stand-in's Unified Login (RFC 7636, S256 only), always checked when a challenge is sent,
and required of every authorization request when switched on."""

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.standin.test_oauth import BOTH, CLIENT_ID, REDIRECT, SECRET, authorize_query

VERIFIER = "dBjftJeZ4CVP-mJ92K9qmWE1nbCZZstAbpWGzcFyeIs-rfc7636-appendix-b"


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def approve(aw, challenge: str | None = None, method: str | None = "S256"):
    form = {"client_id": CLIENT_ID, "redirect_uri": REDIRECT, "scope": BOTH, "state": "s-1", "response_type": "code",
            "user_id": "100001", "decision": "approve", "granted_scope": BOTH.split()}
    if challenge is not None:
        form |= {"code_challenge": challenge, "code_challenge_method": method}
    return aw.call("POST", "/OAuth/Authorize", data=form, allow_redirects=False)


def redirected_query(response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    return {name: values[0] for name, values in parse_qs(urlsplit(response.headers["Location"]).query).items()}


def exchange(aw, code: str, verifier: str | None):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "client_id": CLIENT_ID, "client_secret": SECRET}
    if verifier is not None:
        data["code_verifier"] = verifier
    return aw.call("POST", "/OAuth/token", data=data)


def test_the_consent_page_carries_the_challenge_to_the_decision(aw):
    page = aw.call("GET", f"/OAuth/Authorize?{authorize_query(code_challenge=s256(VERIFIER), code_challenge_method='S256')}")
    assert f'name="code_challenge" value="{s256(VERIFIER)}"' in page.text
    assert 'name="code_challenge_method" value="S256"' in page.text


def test_a_code_issued_with_a_challenge_needs_the_matching_verifier(aw):
    code = redirected_query(approve(aw, s256(VERIFIER)))["code"]
    assert exchange(aw, code, VERIFIER).status_code == 200


@pytest.mark.parametrize("verifier", [None, VERIFIER + "x", "short", "é" * 50])
def test_a_missing_or_wrong_verifier_is_invalid_grant_and_uses_up_the_code(aw, verifier):
    code = redirected_query(approve(aw, s256(VERIFIER)))["code"]
    refused = exchange(aw, code, verifier)
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")
    assert exchange(aw, code, VERIFIER).json()["error"] == "invalid_grant"


def test_a_verifier_for_a_code_issued_without_a_challenge_is_refused(aw):
    code = redirected_query(approve(aw))["code"]
    assert exchange(aw, code, VERIFIER).json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "challenge, method, says",
    [
        (s256(VERIFIER), None, "must be S256"),
        (VERIFIER, "plain", "must be S256"),
        ("tooshort", "S256", "43 base64url characters"),
        (None, "S256", "without a code_challenge"),
    ],
)
def test_bad_pkce_parameters_are_refused_at_the_redirect_uri(aw, challenge, method, says):
    query = authorize_query(code_challenge=challenge, code_challenge_method=method)
    answer = redirected_query(aw.call("GET", f"/OAuth/Authorize?{query}", allow_redirects=False))
    assert (answer["error"], answer["state"]) == ("invalid_request", "s-1")
    assert says in answer["error_description"]


def test_when_required_an_authorization_request_without_a_challenge_is_refused(aw):
    aw.control("POST", "config", {"require_pkce": True})
    answer = redirected_query(aw.call("GET", f"/OAuth/Authorize?{authorize_query()}", allow_redirects=False))
    assert answer["error"] == "invalid_request" and "code challenge required" in answer["error_description"]
    assert "error" in redirected_query(approve(aw))
    code = redirected_query(approve(aw, s256(VERIFIER)))["code"]
    assert exchange(aw, code, VERIFIER).status_code == 200
