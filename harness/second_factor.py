"""The second step of signing in, for tests and bench/: codes computed from a device's secret, as the phone app
does, and a shortcut past both steps like Django's force_login."""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.selectors import second_factor_required


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the authenticator app shows now (or that many 30-second steps later: django-otp takes a
    code once, and the next step's too, so a test that needs two codes in a row asks for the next)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead):0{device.digits}d}"


def totp_device_confirmed(user) -> TOTPDevice:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True
    )


def second_factor_pass(session: SessionBase, user) -> None:
    """Mark `session` as having passed the second step, as signing in with a code does."""
    session[DEVICE_ID_SESSION_KEY] = totp_device_confirmed(user).persistent_id
    session.save()


class SignedInClient(Client):
    """force_login as if both steps were passed: a user who must have a second factor gets an app and a
    session that used it. The second factor's own tests sign in through the pages with Django's Client."""

    def force_login(self, user, backend=None) -> None:
        super().force_login(user, backend)
        if second_factor_required(user=user):
            session = self.session
            second_factor_pass(session, user)
