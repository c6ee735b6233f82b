"""The second step of signing in, enforced on every page.

A password alone signs a user in (Django's and the admin's sign-in forms, both throttled). Then, until
the session has passed a second factor (django-otp's OTPMiddleware, before this one, tells), a user who
has an authenticator app can open nothing but the code page, and a user who must have one but has not
set it up nothing but its setup; signing out always works.

Whether the user has an app is read once per session (at sign-in, or the first request after) and kept
in it, rather than costing two queries on every page; confirming or removing an app in the session
updates it. Whether they must have one is asked on every request, so that staff granted an agency's
connection are asked for one at once.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .selectors import second_factor_enrolled, second_factor_required

ALWAYS_OPEN = {"logout", "admin:logout"}


class SecondFactorMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if second_factor_enrolled(request=request):
            step = "two_factor_verify"
        elif second_factor_required(user=user):
            step = "two_factor_setup"
        else:
            return None
        request.second_factor_pending = True
        if request.resolver_match.view_name in ALWAYS_OPEN | {step}:
            return None
        target = request.get_full_path() if request.method == "GET" else ""
        return HttpResponseRedirect(reverse(step) + (f"?{urlencode({'next': target})}" if target else ""))
