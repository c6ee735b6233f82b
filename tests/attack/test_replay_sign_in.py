"""Issue 11, items 2, 3 and 4, replayed over HTTP against gunicorn with the production settings behind a
proxy (BEHIND_TLS_PROXY, FORWARDED_ALLOW_IPS), PostgreSQL and Redis.

The test process plays the TLS proxy: it connects from 127.0.0.1, the proxy's address, and appends the
client's address to X-Forwarded-For as nginx does. An attacker who reaches gunicorn directly connects
from 127.0.0.2. Passwords are hashed as production hashes them (PBKDF2, few rounds so the replay is quick).
"""

from __future__ import annotations

import os
import re

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from requests.adapters import HTTPAdapter

from harness.second_factor import totp_code, totp_device_confirmed
from tests.attack.served import production_server
from tests.factories import ManagerConnectionFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

REDIS_URL = os.environ.get("SIGN_IN_REPLAY_REDIS_URL", "redis://127.0.0.1:6379/12")
PASSWORD = "replay-password-1"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ATTACKER, REAL_USER = "203.0.113.66", "198.51.100.7"


class Browser(requests.Session):
    """A browser whose requests reach gunicorn through the proxy (from 127.0.0.1, its address in
    X-Forwarded-For), or straight from `source` (another loopback address) with whatever headers it likes."""

    def __init__(self, url: str, *, address: str | None = None, source: str | None = None) -> None:
        super().__init__()
        self.url = url
        # What the browser's address bar shows: https when it comes through the TLS proxy.
        self.origin = url.replace("http://", "https://") if address is not None else url
        if address is not None:
            self.headers["X-Forwarded-For"] = address
            self.headers["X-Forwarded-Proto"] = "https"
        if source is not None:
            adapter = HTTPAdapter()
            adapter.init_poolmanager(1, 1, source_address=(source, 0))
            self.mount("http://", adapter)

    def request(self, method, path, *args, **kwargs):
        kwargs.setdefault("timeout", 30)
        return super().request(method, self.url + path, *args, **kwargs)

    def get(self, path, **kwargs):
        """Redirects are answers too: never followed."""
        return self.request("GET", path, allow_redirects=False, **kwargs)

    def post(self, path, data=None, **kwargs):
        return self.request("POST", path, data=data, allow_redirects=False, **kwargs)

    def sign_in(self, username: str, password: str, *, path: str = "/accounts/login/", **headers) -> requests.Response:
        token = CSRF_FIELD.search(self.get(path).text).group(1)
        return self.post(
            path,
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
            headers={"Referer": self.origin + path, **headers},
        )


@pytest.fixture(scope="module")
def served(django_db_setup, django_db_blocker, tmp_path_factory):
    with production_server(
        redis_url=REDIS_URL,
        static_root=tmp_path_factory.mktemp("replay-sign-in") / "static",
        django_db_blocker=django_db_blocker,
        BEHIND_TLS_PROXY="true",
        FORWARDED_ALLOW_IPS="127.0.0.1",
        ALLOWED_HOSTS="127.0.0.1",
    ) as server:
        yield server.url


@pytest.fixture(scope="module")
def users(served, django_db_blocker) -> dict:
    """Everyone the replays sign in as, committed (outside any test's transaction) so the server sees
    them, with passwords hashed as production hashes them."""
    hasher = PBKDF2PasswordHasher()

    def user(username: str, **fields):
        made = UserFactory(username=username, **fields)
        made.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
        made.save(update_fields=["password"])
        return made

    with django_db_blocker.unblock():
        manager = user("replay-manager")
        ManagerConnectionFactory(user=manager)
        return {
            "root": user("replay-root", is_staff=True, is_superuser=True),
            "direct": user("replay-direct"),
            "spray": [user(f"replay-spray-{n}") for n in range(26)],
            "manager": manager,
            "manager_app": totp_device_confirmed(manager),
        }


def test_wrong_passwords_from_anywhere_no_longer_lock_the_superuser_out(served, users):
    attacker = Browser(served, address=ATTACKER)

    tries = [attacker.sign_in("replay-root", f"guess{n}").status_code for n in range(8)]
    real = Browser(served, address=REAL_USER).sign_in("replay-root", PASSWORD)

    assert tries[:4] == [200] * 4 and set(tries[5:]) == {429}  # the attacker's own address is paused
    assert real.status_code == 302 and real.headers["Location"] == "/"  # the real one signs in
    assert attacker.sign_in("replay-root", PASSWORD).status_code == 429


def test_a_client_that_skips_the_proxy_cannot_choose_its_address(served, users):
    direct = Browser(served, source="127.0.0.2")

    answers = [
        direct.sign_in("replay-direct", "guess", **{"X-Forwarded-For": f"198.51.100.{n}"}).status_code
        for n in range(7)
    ]

    assert answers[:4] == [200] * 4 and set(answers[5:]) == {429}


def test_spraying_104_guesses_over_26_usernames_is_stopped_after_20(served, users):
    sprayer = Browser(served, address="203.0.113.99")

    answers = [sprayer.sign_in(f"replay-spray-{n}", f"guess{attempt}") for attempt in range(4) for n in range(26)]

    statuses = [answer.status_code for answer in answers]
    assert statuses[:20] == [200] * 20 and set(statuses[20:]) == {429}
    paused = answers[-1]
    assert 0 < int(paused.headers["Retry-After"]) <= 900
    assert "Sign-ins from your address are paused" in paused.text and "Try again after" in paused.text
    # The right password from that address waits too; from another address it works.
    assert sprayer.sign_in("replay-spray-0", PASSWORD).status_code == 429
    assert Browser(served, address=REAL_USER).sign_in("replay-spray-0", PASSWORD).status_code == 302


def test_a_password_alone_opens_nothing_for_a_group_manager(served, users):
    browser = Browser(served, address=REAL_USER)

    assert browser.sign_in("replay-manager", PASSWORD).status_code == 302
    for path in ("/", "/members/", "/albums/bulk/new/", "/accounts/two-step/setup/", "/admin/"):
        assert browser.get(path).headers["Location"].startswith("/accounts/two-step/verify/"), path

    token = CSRF_FIELD.search(browser.get("/accounts/two-step/verify/").text).group(1)
    answer = browser.post(
        "/accounts/two-step/verify/",
        {"csrfmiddlewaretoken": token, "code": totp_code(users["manager_app"]), "next": "/members/"},
        headers={"Referer": browser.origin + "/accounts/two-step/verify/"},
    )
    assert answer.headers["Location"] == "/members/"
    assert browser.get("/members/").status_code == 200
