"""Two-step sign-in: setting up an authenticator app, the second step itself, recovery codes."""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import user_has_device

from .forms import SecondFactorCodeForm
from .selectors import recovery_codes_left, second_factor_required, totp_device_get
from .services import (
    Verification,
    recovery_codes_replace,
    second_factor_remove,
    second_factor_verify,
    totp_device_confirm,
    totp_device_start,
)


def next_url(request: HttpRequest) -> str:
    """Where the sign-in was going: only a path on this site, never elsewhere."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("dashboard")


def _recovery_codes_page(request: HttpRequest, codes: list[str]) -> HttpResponse:
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url(request)})


def _refused(form: SecondFactorCodeForm, result: Verification, *, hint: str = "") -> None:
    if result.locked_until is not None:
        until = timezone.localtime(result.locked_until)
        form.add_error("code", f"Too many wrong codes: wait until {until:%H:%M:%S} before trying again.")
    else:
        form.add_error("code", "That code does not match." + hint)


@never_cache
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """What the user has set up, and what they can change."""
    return render(
        request,
        "accounts/two_factor.html",
        {
            "device": totp_device_get(user=request.user),
            "codes_left": recovery_codes_left(user=request.user),
            "required": second_factor_required(user=request.user),
        },
    )


@never_cache
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """A QR code and its key for the authenticator app; a code from the app confirms it, and the
    recovery codes are shown once, in the answer. A session that owes the code of an app already set up
    cannot replace it (the middleware sends it to the code page; this holds even without it)."""
    if user_has_device(request.user) and not request.user.is_verified():
        return redirect("two_factor_verify")
    device = totp_device_start(user=request.user)
    form = SecondFactorCodeForm(request.POST or None, recovery_allowed=False)
    if request.method == "POST" and form.is_valid():
        result, codes = totp_device_confirm(request=request, device=device, code=form.cleaned_data["code"])
        if result.passed:
            messages.success(request, "Two-step sign-in is on.")
            return _recovery_codes_page(request, codes)
        _refused(form, result, hint=" Check the phone's clock, and enter the code the app shows now.")
    key = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_data_uri": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
            "key_groups": [key[i : i + 4] for i in range(0, len(key), 4)],
            "required": second_factor_required(user=request.user),
            "next": next_url(request),
        },
    )


@never_cache
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in."""
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = second_factor_verify(request=request, code=form.cleaned_data["code"])
        if result.passed:
            if result.used_recovery_code:
                left = recovery_codes_left(user=request.user)
                messages.warning(
                    request, f"You used a recovery code; {left} left. Set up your app again or make new codes."
                )
            return redirect(next_url(request))
        _refused(form, result)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url(request)})


@never_cache
@login_required
@require_POST
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    """New recovery codes replace the old ones; shown once, in this answer."""
    return _recovery_codes_page(request, recovery_codes_replace(user=request.user))


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    if second_factor_required(user=request.user):
        messages.error(request, "Your account must keep two-step sign-in.")
    else:
        second_factor_remove(request=request)
        messages.info(request, "Two-step sign-in is off.")
    return redirect("two_factor")
