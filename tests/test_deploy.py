"""Production settings, as the environment gives them, pass Django's deployment checklist."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]


def deployment_check(**environment: str) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` with nothing set but the secrets production must supply."""
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "SECRET_KEY": secrets.token_hex(40),
        "AW_TOKEN_KEYS": Fernet.generate_key().decode(),
        **environment,
    }
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_defaults_pass_the_deployment_checklist_once_a_shared_cache_is_named():
    result = deployment_check(CACHE_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stderr


def test_the_checklist_refuses_debug():
    result = deployment_check(DEBUG="true", CACHE_URL="redis://127.0.0.1:6379/0")
    assert result.returncode != 0 and "security.W018" in result.stderr


def test_the_checklist_refuses_a_cache_that_each_process_keeps_to_itself():
    result = deployment_check()
    assert result.returncode != 0 and "axes.W001" in result.stderr
