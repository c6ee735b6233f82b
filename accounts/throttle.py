"""Sign-in throttling, both kinds on the shared cache, and the one page that says when to try again.

- django-axes locks one username from one address after AXES_FAILURE_LIMIT failures (settings.py), so
  nobody can lock a user out from elsewhere.
- Password spraying tries a few passwords on many usernames, staying under that limit for each. So an
  address also gets SIGN_IN_ADDRESS_LIMIT failures, across all usernames, per SIGN_IN_ADDRESS_WINDOW,
  counted with django-ratelimit; past that, every sign-in from that address is refused until the window
  ends. Other addresses are never affected.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django_ratelimit.core import get_usage

from .addresses import client_address

GROUP = "sign-in-failures-per-address"


def _address_usage(request: HttpRequest, *, increment: bool) -> dict:
    return get_usage(
        request,
        group=GROUP,
        key=lambda group, request: client_address(request),
        rate=(settings.SIGN_IN_ADDRESS_LIMIT, int(settings.SIGN_IN_ADDRESS_WINDOW.total_seconds())),
        increment=increment,
    )


def sign_in_address_paused_for(request: HttpRequest) -> timedelta | None:
    """How long sign-ins from the request's address stay refused, or None when they are not."""
    usage = _address_usage(request, increment=False)
    if usage["count"] < settings.SIGN_IN_ADDRESS_LIMIT:
        return None
    return timedelta(seconds=max(usage["time_left"], 1))


@receiver(user_login_failed)
def sign_in_failure_count(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    if request is not None:
        _address_usage(request, increment=True)


class AddressThrottleBackend:
    """Refuses every sign-in from an address past its limit, before any password is checked.

    Listed in AUTHENTICATION_BACKENDS, so the portal's and the admin's sign-in are both covered;
    SignInPausedMiddleware turns the refusal into the page saying when to try again. No get_user: it
    authenticates nobody, so Django never records it as the backend of a session.
    """

    def authenticate(self, request: HttpRequest | None, **credentials) -> None:
        if request is not None:
            paused_for = sign_in_address_paused_for(request)
            if paused_for is not None:
                request.sign_in_paused_for = paused_for
                raise PermissionDenied("too many failed sign-ins from this address")
        return None


def sign_in_paused_response(request: HttpRequest, *, paused_for: timedelta, username: str = "") -> HttpResponse:
    """429 with Retry-After, and a page that says until when and why."""
    # Whole seconds: HTML's datetime allows at most three decimals.
    until: datetime = (timezone.localtime() + paused_for).replace(microsecond=0)
    context = {
        "until": until,
        "minutes": math.ceil(paused_for.total_seconds() / 60),
        "username": username,
        "failure_limit": settings.AXES_FAILURE_LIMIT if username else settings.SIGN_IN_ADDRESS_LIMIT,
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(math.ceil(paused_for.total_seconds()))
    return response


def axes_lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: one username from one address is locked. Every attempt meanwhile starts the
    cool-off again (axes' AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so it ends a cool-off from now."""
    username = get_client_username(request, credentials) or ""
    return sign_in_paused_response(request, paused_for=get_cool_off(request), username=username)


class SignInPausedMiddleware:
    """Shows the page for a sign-in AddressThrottleBackend refused, in place of the form's generic error."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        paused_for = getattr(request, "sign_in_paused_for", None)
        if paused_for is not None:
            return sign_in_paused_response(request, paused_for=paused_for)
        return response
