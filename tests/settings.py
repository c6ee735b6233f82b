"""Test settings: the project's settings, fed a hermetic environment.

The environment is set before awportal.settings reads it, so a developer's .env never leaks into a run.
"""

import os

os.environ["DJANGO_READ_DOT_ENV_FILE"] = "false"
os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Two fixed keys so rotation is exercised; real deployments generate their own.
os.environ.setdefault(
    "AW_TOKEN_KEYS",
    "Q3Ny7kYJ0u1m1n2P3q4r5s6t7u8v9w0x1y2z3A4B5C0=,ZmFrZS1rZXktZm9yLXRlc3RzLW9ubHktMDAwMDAwMDA=",
)
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
os.environ.setdefault("AW_CLIENT_ID", "awportal-demo")
os.environ.setdefault("AW_CLIENT_SECRET", "awportal-demo-secret")
os.environ.setdefault("AW_API_KEY", "demo-api-key")

from awportal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Short enough that a "slow" stand-in fault turns into an unknown outcome quickly.
AW_READ_TIMEOUT = 1.0
AW_CONNECT_TIMEOUT = 1.0
# Serve static files from the finders: the suite never runs collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Bulk jobs run in the request that queues them; tests of the worker switch to the database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
