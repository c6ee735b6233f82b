"""Writes for the second factor: an authenticator app (TOTP, django-otp) and single-use recovery codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .selectors import ENROLLED_SESSION_KEY, recovery_device_get, totp_device_get

RECOVERY_CODES = 10


def totp_device_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """The authenticator app being set up: a new secret, kept unconfirmed until a code from it matches.
    The same one on every visit until then, so the QR code scanned is the one confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def recovery_code_digest(code: str) -> str:
    """What is stored of a recovery code: a keyed hash (SECRET_KEY), so the table alone gives none away.
    django-otp compares stored tokens as they are, so the code is checked by its digest; 16 hex
    characters, the most its token column holds."""
    return salted_hmac("accounts.recovery_code", code, algorithm="sha256").hexdigest()[:16]


def recovery_codes_replace(*, user: AbstractBaseUser) -> list[str]:
    """New recovery codes in place of any earlier ones, returned to be shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=recovery_code_digest(code)) for code in codes)
    return codes


@dataclass(frozen=True)
class Verification:
    passed: bool
    used_recovery_code: bool = False
    locked_until: datetime | None = None


def _device_check(device: Device | None, code: str) -> Verification:
    """django-otp slows guessing down: after each wrong code a device waits twice as long before it
    checks another (OTP_TOTP_THROTTLE_FACTOR), and meanwhile refuses even a correct one."""
    if device is None:
        return Verification(passed=False)
    allowed, why = device.verify_is_allowed()
    if not allowed:
        return Verification(passed=False, locked_until=(why or {}).get("locked_until"))
    return Verification(passed=device.verify_token(code), used_recovery_code=isinstance(device, StaticDevice))


def totp_device_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> tuple[Verification, list[str]]:
    """Confirm `device` when `code` comes from it: it replaces any earlier app, the session counts as
    passed both steps, and new recovery codes are returned (none when the code does not match)."""
    result = _device_check(device, code)
    if not result.passed:
        return result, []
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_replace(user=device.user)
    otp_login(request, device)
    request.session[ENROLLED_SESSION_KEY] = True
    return result, codes


def second_factor_verify(*, request: HttpRequest, code: str) -> Verification:
    """Check `code` as the second step of signing in: six digits from the app, or a recovery code (used
    up)."""
    user = request.user
    if code.isdigit():
        device, token = totp_device_get(user=user), code
    else:
        device, token = recovery_device_get(user=user), recovery_code_digest(code)
    result = _device_check(device, token)
    if result.passed:
        otp_login(request, device)
    return result


@transaction.atomic
def second_factor_remove(*, request: HttpRequest) -> None:
    TOTPDevice.objects.filter(user=request.user).delete()
    StaticDevice.objects.filter(user=request.user).delete()
    request.session[ENROLLED_SESSION_KEY] = False
