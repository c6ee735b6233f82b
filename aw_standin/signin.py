"""A sign-in page that may live on another origin than the authorize endpoint, as AdultWork's may.

Off unless `login_url` is configured. Then the authorize endpoint sends a browser without a sign-in
cookie to `login_url?ReturnUrl=<the authorize URL>`; the page there (this same server, reached through
another host name or port) signs the user in and sends the browser back with a one-time `login_ticket`,
which the authorize endpoint swaps for its own cookie. From then on the consent page is for that user
only. This is the chain of hosts that Chromium holds to CSP form-action when it starts from a form.
"""

import secrets
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from . import pages
from .exchange import Request, Response
from .state import State

COOKIE = "standin_signin"
AUTHORIZE_KEY = "/oauth/authorize"


def _html(status: int, html: str, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, html.encode("utf-8"), "text/html; charset=utf-8", [("Cache-Control", "no-store"), *(headers or [])])


def _redirect(location: str, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(302, b"", None, [("Location", location), ("Cache-Control", "no-store"), *(headers or [])])


def signed_in_user(state: State, request: Request) -> int | None:
    try:
        cookie = SimpleCookie(request.header("Cookie") or "")
    except CookieError:
        return None
    morsel = cookie.get(COOKIE)
    return state.signins.get(morsel.value) if morsel is not None else None


def gate(state: State, request: Request) -> Response | None:
    """For GET /OAuth/Authorize when a sign-in page is configured: None to go on to the consent page,
    or the redirect that signs the browser in first (to the sign-in page, or back here with a cookie)."""
    ticket = request.param("login_ticket")
    if ticket is not None:
        user_id = state.signin_tickets.pop(ticket, None)
        if user_id is None:
            return _html(400, pages.refusal_page("This sign-in has expired or was used already; start again."))
        session = secrets.token_urlsafe(24)
        state.signins[session] = user_id
        cookie = f"{COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax"
        return _redirect(_without_ticket(request.target), [("Set-Cookie", cookie)])
    if signed_in_user(state, request) is not None:
        return None
    return _redirect(f"{state.config.login_url}?{urlencode({'ReturnUrl': request.absolute_uri()})}")


def _without_ticket(target: str) -> str:
    parts = urlsplit(target)
    query = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if name.lower() != "login_ticket"]
    return urlunsplit(("", "", parts.path, urlencode(query), ""))


def _return_url(value: str | None) -> str | None:
    """Only back to an authorize endpoint over http(s): the sign-in page redirects nowhere else."""
    parts = urlsplit(value or "")
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.rstrip("/").lower() != AUTHORIZE_KEY:
        return None
    return value


def login_page(state: State, request: Request) -> Response:
    return_url = _return_url(request.param("ReturnUrl"))
    if return_url is None:
        return _html(400, pages.refusal_page("ReturnUrl must be an authorize URL."))
    users = sorted(state.users.values(), key=lambda user: user.user_id)
    return _html(200, pages.signin_page(return_url, users))


def login(state: State, request: Request) -> Response:
    form = request.form()
    return_url = _return_url((form.get("returnurl") or [None])[0])
    user_id = (form.get("user_id") or [""])[0]
    if return_url is None or not user_id.isascii() or not user_id.isdigit() or int(user_id) not in state.users:
        return _html(400, pages.refusal_page("Choose one of the demo accounts."))
    ticket = secrets.token_urlsafe(24)
    state.signin_tickets[ticket] = int(user_id)
    separator = "&" if "?" in return_url else "?"
    return _redirect(f"{return_url}{separator}{urlencode({'login_ticket': ticket})}")
