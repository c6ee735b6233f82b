"""Walking through the stand-in's Unified Login the way a browser would, without one."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests

CALLBACK = "http://testserver/connect/callback/"


def approve(authorize_url: str, *, user_id: int = 100001, granted: list[str] | None = None, decision: str = "approve") -> str:
    """Open the stand-in's login page at `authorize_url`, answer it, and return the callback URL it redirects to."""
    page = requests.get(authorize_url, timeout=5)
    page.raise_for_status()
    query = {name: values[0] for name, values in parse_qs(urlsplit(authorize_url).query).items()}
    scopes = query["scope"].split()
    carried = ("client_id", "redirect_uri", "scope", "state", "response_type", "code_challenge", "code_challenge_method")
    form = {
        **{name: query[name] for name in carried if name in query},
        "user_id": str(user_id),
        "decision": decision,
        "granted_scope": scopes if granted is None else granted,
    }
    base = authorize_url.split("?", 1)[0]
    answer = requests.post(base, data=form, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def local_path(url: str) -> str:
    """The path and query of a callback URL, for Django's test client."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"
