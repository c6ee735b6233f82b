"""Fixtures for the stand-in's own tests: one in-process server, reset before each test.

Independent of Django and of tests/conftest.py's subprocess fixtures (hence the
different fixture names).
"""

from typing import Any

import pytest
import requests

from aw_standin import StandIn

MEMBER_TOKEN = "demo-member-token"
MANAGER_TOKEN = "demo-manager-token"
TIMEOUT = 5


class Driver:
    """Plain HTTP calls against one stand-in, each on a fresh connection."""

    def __init__(self, url: str) -> None:
        self.url = url

    def call(
        self, method: str, path: str, *, token: str | None = None, headers: dict | None = None, **kwargs: Any
    ) -> requests.Response:
        headers = dict(headers or {})
        if token is not None:
            headers["Authorization"] = f"bearer {token}"
        kwargs.setdefault("timeout", TIMEOUT)
        return requests.request(method, self.url + path, headers=headers, **kwargs)

    def create_album(self, body: Any, token: str = MEMBER_TOKEN, **kwargs: Any) -> requests.Response:
        return self.call("POST", "/v1/Pictures/CreateAlbum", token=token, json=body, **kwargs)

    def create_raw(self, body: bytes, token: str = MEMBER_TOKEN) -> requests.Response:
        return self.call(
            "POST",
            "/v1/Pictures/CreateAlbum",
            token=token,
            data=body,
            headers={"Content-Type": "application/json"},
        )

    def control(self, method: str, name: str, body: Any = None, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.url}/_standin/{name}", json=body, timeout=TIMEOUT, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    def albums(self, user_id: int | None = None) -> list[dict]:
        return self.control("GET", "albums", params={"UserID": user_id} if user_id else None)


@pytest.fixture(scope="session")
def running_standin():
    server = StandIn()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def aw(running_standin) -> Driver:
    driver = Driver(running_standin.url)
    driver.control("POST", "reset")
    return driver


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(aw, running_standin) -> FakeClock:
    """Token and code lifetimes measured on a clock the test moves by hand (until the next reset)."""
    fake = FakeClock()
    running_standin.state.tokens.clock = fake
    return fake
