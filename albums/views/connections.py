"""Connecting an AdultWork account: Unified Login, a pasted token, disconnecting."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ..errors import PortalError
from ..forms import AccessTokenForm
from ..services.clients import aw_login_configured
from ..services.connections import (
    connection_authorization_url,
    connection_connect_with_code,
    connection_connect_with_token,
    connection_disconnect,
)
from .common import PENDING_ALBUM_KEY

OAUTH_STATE_KEY = "aw_oauth_state"


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
@require_POST
def connect_start(request: HttpRequest) -> HttpResponse:
    state = secrets.token_urlsafe(32)
    try:
        url = connection_authorization_url(redirect_uri=_callback_uri(request), state=state)
    except PortalError as error:
        messages.error(request, error.message)
        return redirect("connect")
    request.session[OAUTH_STATE_KEY] = state
    return redirect(url)


def _login_problem(request: HttpRequest, title: str, message: str, status: int = 400) -> HttpResponse:
    return render(request, "albums/connect_problem.html", {"title": title, "message": message}, status=status)


@login_required
@require_GET
def connect_callback(request: HttpRequest) -> HttpResponse:
    # Removed only once matched: a stray or forged callback must not spoil the login in progress.
    expected = request.session.get(OAUTH_STATE_KEY)
    given = request.GET.get("state", "")
    if not expected or not given or not secrets.compare_digest(expected.encode(), given.encode()):
        return _login_problem(
            request,
            "This login answer does not match a login you started",
            "The answer from AdultWork's login did not carry the code this portal sent (its state is "
            "missing or different), so it was ignored. This happens when a login page is reused or "
            "opened from another browser. Start again from this portal.",
        )
    del request.session[OAUTH_STATE_KEY]
    if request.GET.get("status") == "cancelled" or request.GET.get("error") == "access_denied":
        return _login_problem(
            request,
            "Login cancelled",
            "You cancelled the login at AdultWork, so nothing was changed. Connect again whenever you like.",
            status=200,
        )
    code = request.GET.get("code", "")
    if not code:
        return _login_problem(
            request,
            "AdultWork's login sent no code",
            f"AdultWork's login came back without a sign-in code ({request.GET.get('error') or 'no reason given'}). "
            "Nothing was changed; start again.",
        )
    try:
        connection = connection_connect_with_code(user=request.user, code=code, redirect_uri=_callback_uri(request))
    except PortalError as error:
        return _login_problem(request, "The connection could not be completed", error.message, status=502)
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
