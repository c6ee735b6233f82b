"""`python -m accounts.totp KEY` prints what an authenticator app shows for the key from the setup page."""

import subprocess
import sys

from django_otp.plugins.otp_totp.models import TOTPDevice

from harness.gunicorn import ROOT
from harness.second_factor import totp_code

KEY = "3GUN J6QK YB5I DIX6 YC7O RZES N7GH 7YC5"


def test_it_prints_the_current_code_for_the_key_as_the_setup_page_shows_it():
    device = TOTPDevice(key="d9a8d4fa0ac07a81a2fec0bee8e4926fcc7fe05d")  # KEY, as django-otp stores it
    before = totp_code(device)
    printed = subprocess.run(
        [sys.executable, "-m", "accounts.totp", KEY], cwd=ROOT, capture_output=True, text=True, timeout=30
    ).stdout.strip()
    assert printed in {before, totp_code(device)}  # the 30-second step may turn meanwhile
