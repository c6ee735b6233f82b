"""Reads about a user's second factor: whether they must have one, and the devices they have."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from albums.selectors import agency_connection_ids


def second_factor_required(*, user: AbstractBaseUser) -> bool:
    """Administrators, and whoever may act for a group's members (hundreds of accounts), must have a
    second factor; everyone when TWO_FACTOR_REQUIRED_FOR_ALL is set."""
    return bool(
        settings.TWO_FACTOR_REQUIRED_FOR_ALL
        or user.is_superuser
        or user.is_staff
        or agency_connection_ids(user=user)
    )


# Whether the signed-in user had a second factor when this session began, kept in the session.
ENROLLED_SESSION_KEY = "second_factor_enrolled"


def second_factor_enrolled(*, request: HttpRequest) -> bool:
    if ENROLLED_SESSION_KEY not in request.session:
        request.session[ENROLLED_SESSION_KEY] = user_has_device(request.user)
    return request.session[ENROLLED_SESSION_KEY]


def totp_device_get(*, user: AbstractBaseUser) -> TOTPDevice | None:
    """The user's authenticator app, once confirmed."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_device_get(*, user: AbstractBaseUser) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(*, user: AbstractBaseUser) -> int:
    device = recovery_device_get(user=user)
    return device.token_set.count() if device else 0
