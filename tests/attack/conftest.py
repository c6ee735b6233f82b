"""The portal as an attacker meets it: gunicorn with the production settings (DEBUG off, JSON logs),
PostgreSQL and Redis, reached only over real HTTP.

One server per module. Its database is the test database, so the test process sets up users and
reads what the server recorded; what the server commits is not rolled back, so the database is
flushed when the module ends. Redis is the database number in ATTACK_REDIS_URL (11 by default),
emptied first. A module of attacks uses `portal` for the server and `attacker(user)` for a signed-in
session; each area of the issue has its own module (test_replay_*.py), so more can be added beside.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import requests

from harness.gunicorn import GunicornProcess
from tests.attack.served import production_server

REDIS_URL = os.environ.get("ATTACK_REDIS_URL", "redis://127.0.0.1:6379/11")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Portal:
    server: GunicornProcess
    standin_url: str

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def log(self) -> str:
        """Everything the server has logged so far."""
        return "\n".join(self.server.output)


class Attacker(requests.Session):
    """A browser-like session against the served portal: paths instead of URLs, CSRF handled."""

    def __init__(self, portal: Portal) -> None:
        super().__init__()
        self.portal = portal

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", 30)
        return super().request(method, self.portal.url + url if url.startswith("/") else url, *args, **kwargs)

    def get(self, url, **kwargs):
        """Redirects are answers too: they are not followed unless asked."""
        return self.request("GET", url, **{"allow_redirects": False, **kwargs})

    def post(self, url, data=None, **kwargs):
        return self.request("POST", url, data=data, **{"allow_redirects": False, **kwargs})

    def csrf_token(self, page: str = "/") -> str:
        return CSRF_FIELD.search(self.get(page, allow_redirects=True).text).group(1)

    def submit(self, path: str, data, *, page: str | None = None, token: str = "", **kwargs) -> requests.Response:
        """POST `data` to `path` as the form on `page` (`path` itself by default) would; any CSRF token
        of this session will do, so a caller sending many may pass one."""
        token = token or self.csrf_token(page or path)
        headers = {"Referer": self.portal.url + (page or path), **kwargs.pop("headers", {})}
        if isinstance(data, dict):
            data = {"csrfmiddlewaretoken": token, **data}
        else:  # already encoded: the token goes first
            data = f"csrfmiddlewaretoken={token}&".encode() + data
        return self.post(path, data=data, headers=headers, **kwargs)


@pytest.fixture(scope="module")
def portal(django_db_setup, django_db_blocker, standin_process, tmp_path_factory):
    with production_server(
        redis_url=REDIS_URL,
        static_root=tmp_path_factory.mktemp("attack") / "static",
        django_db_blocker=django_db_blocker,
        threads=4,
        LOG_FORMAT="json",
        AW_API_BASE_URL=standin_process.url,
        AW_OAUTH_BASE_URL=standin_process.url,
        AW_CLIENT_ID="awportal-demo",
        AW_CLIENT_SECRET="awportal-demo-secret",
        AW_API_KEY="demo-api-key",
    ) as server:
        yield Portal(server=server, standin_url=standin_process.url)


@pytest.fixture(scope="module")
def attacker(portal, django_db_blocker) -> Callable[..., Attacker]:
    """`attacker(user)`: a session signed in as `user` (a session row, as Django's force_login makes), past
    the second step too when the user owes one (agency accounts)."""

    def signed_in(user) -> Attacker:
        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        from accounts.selectors import second_factor_required
        from harness.second_factor import second_factor_pass

        with django_db_blocker.unblock():
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = "accounts.backends.PortalModelBackend"
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            if second_factor_required(user=user):
                second_factor_pass(store, user)
        session = Attacker(portal)
        session.cookies.set(settings.SESSION_COOKIE_NAME, store.session_key)
        return session

    return signed_in


@pytest.fixture(scope="module")
def committed(django_db_blocker):
    """Run a callable with the database open outside any test transaction: what it writes is committed,
    so the server sees it."""

    def run(make: Callable):
        with django_db_blocker.unblock():
            return make()

    return run
