"""Connecting an AdultWork account: Unified Login, a pasted token, disconnecting."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ..errors import PortalError
from ..forms import AccessTokenForm
from ..services.clients import aw_login_configured
from ..services.connections import (
    connection_authorization_url,
    connection_connect_with_code,
    connection_connect_with_token,
    connection_disconnect,
    connection_login_refused,
)
from .common import PENDING_ALBUM_KEY

# The logins this session started and has not finished: {state: PKCE code verifier}, newest last.
OAUTH_LOGINS_KEY = "aw_oauth_logins"
# A few at once, so a login started in a second tab (or by a forged link) does not void the first.
MAX_PENDING_LOGINS = 5


@login_required
def connect(request: HttpRequest) -> HttpResponse:
    form = AccessTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            connection = connection_connect_with_token(
                user=request.user, access_token=form.cleaned_data["access_token"]
            )
        except PortalError as error:
            form.add_portal_error(error)
        else:
            messages.success(request, f"Connected AdultWork account {connection.aw_user_id}.")
            return redirect("connect")
    return render(request, "albums/connect.html", {"token_form": form, "login_configured": aw_login_configured()})


def _callback_uri(request: HttpRequest) -> str:
    return settings.AW_OAUTH_REDIRECT_URI or request.build_absolute_uri(reverse("connect_callback"))


@login_required
@require_GET
@never_cache
def connect_start(request: HttpRequest) -> HttpResponse:
    """Send the browser to AdultWork's Unified Login.

    A GET reached by a link, so starting the login is a plain top-level navigation: the login may pass
    through hosts the portal cannot list in advance (AdultWork's sign-in page may live elsewhere), and
    Chromium holds a form submission's whole redirect chain to CSP form-action, which blocked the old
    POST form there without a word. A GET form would be held to form-action just the same; a link is not.

    No CSRF risk is added: this view changes nothing but the session's list of pending logins. A link on
    another site can only show the user AdultWork's login page. What must not be forged is the answer,
    and the callback accepts a code only with a state this session generated here (and the code
    exchange needs this session's PKCE verifier), so nobody can slip their own AdultWork account into
    someone else's session.
    """
    state = secrets.token_urlsafe(32)
    code_verifier = secrets.token_urlsafe(64)  # 86 characters, within RFC 7636's 43 to 128
    try:
        url = connection_authorization_url(redirect_uri=_callback_uri(request), state=state, code_verifier=code_verifier)
    except PortalError as error:
        messages.error(request, error.message)
        return redirect("connect")
    pending = dict(list(request.session.get(OAUTH_LOGINS_KEY, {}).items())[-(MAX_PENDING_LOGINS - 1):])
    pending[state] = code_verifier
    request.session[OAUTH_LOGINS_KEY] = pending
    return redirect(url)


def _pending_login_take(request: HttpRequest, given: str) -> str | None:
    """The PKCE verifier of the pending login whose state is `given`, which is then finished; None when
    no pending login has that state. Nothing is removed before the match, so a stray or forged answer
    does not spoil the login the user is still in."""
    pending = request.session.get(OAUTH_LOGINS_KEY, {})
    given_bytes = given.encode("utf-8")
    match = next((state for state in pending if secrets.compare_digest(state.encode("utf-8"), given_bytes)), None)
    if not given or match is None:
        return None
    code_verifier = pending.pop(match)
    request.session[OAUTH_LOGINS_KEY] = pending
    return code_verifier


def _login_problem(request: HttpRequest, title: str, message: str, status: int = 400) -> HttpResponse:
    context = {"title": title, "message": message, "retry": True}
    return render(request, "albums/connect_problem.html", context, status=status)


def _login_failed(request: HttpRequest, error: PortalError, title: str, status: int) -> HttpResponse:
    """A login that failed for `error`; when the portal's own configuration is to blame, says so and offers
    no Start again, which could not help."""
    if error.code == PortalError.MISCONFIGURED:
        context = {"title": "This portal's AdultWork login is misconfigured", "message": error.message, "retry": False}
        return render(request, "albums/connect_problem.html", context, status=502)
    return _login_problem(request, title, error.message, status=status)


@login_required
@require_GET
def connect_callback(request: HttpRequest) -> HttpResponse:
    code_verifier = _pending_login_take(request, request.GET.get("state", ""))
    if code_verifier is None:
        return _login_problem(
            request,
            "This login answer does not match a login you started",
            "The answer from AdultWork's login did not carry the code this portal sent (its state is "
            "missing or different), so it was ignored. This happens when a login page is reused or "
            "opened from another browser. Start again from this portal.",
        )
    if request.GET.get("status") == "cancelled" or request.GET.get("error") == "access_denied":
        return _login_problem(
            request,
            "Login cancelled",
            "You cancelled the login at AdultWork, so nothing was changed. Connect again whenever you like.",
            status=200,
        )
    code = request.GET.get("code", "")
    if not code:
        refusal = connection_login_refused(error=request.GET.get("error"), description=request.GET.get("error_description"))
        return _login_failed(request, refusal, "AdultWork's login sent no code", status=400)
    try:
        connection = connection_connect_with_code(
            user=request.user, code=code, redirect_uri=_callback_uri(request), code_verifier=code_verifier
        )
    except PortalError as error:
        return _login_failed(request, error, "The connection could not be completed", status=502)
    messages.success(request, f"Connected AdultWork account {connection.aw_user_id} through AdultWork's login.")
    if PENDING_ALBUM_KEY in request.session:
        return redirect("album_create")
    return redirect("connect")


@login_required
@require_POST
def disconnect(request: HttpRequest) -> HttpResponse:
    if connection_disconnect(user=request.user):
        messages.success(request, "Disconnected. The portal no longer holds any AdultWork token for you.")
    return redirect("connect")
