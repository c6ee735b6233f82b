"""Submit overhead and connection reuse: what the portal adds around the one CreateAlbum call."""

from __future__ import annotations

import statistics
import uuid
from collections.abc import Callable
from functools import partial
from types import ModuleType

import requests

from .environment import BenchEnvironment, bench_user
from .measure import ms, timed_ms
from .table import Row

LATENCY = 0.05
RUNS = 60
WARMUP = 5
REUSE_CREATES = 100
ALBUM = {"Name": "Bench album", "Description": "Made by make bench"}


def signed_in_session(url: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{url}/accounts/login/", timeout=10).raise_for_status()
    answer = session.post(
        f"{url}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=10,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"signing in to the portal failed: {answer.status_code}")
    return session


def _portal_create(session: requests.Session, url: str) -> None:
    answer = session.post(
        f"{url}/albums/new/",
        data={
            "submission_key": str(uuid.uuid4()),
            "name": ALBUM["Name"],
            "description": ALBUM["Description"],
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    if answer.status_code != 302 or not answer.headers["Location"].startswith("/albums/"):
        raise RuntimeError(f"the portal did not create the album: {answer.status_code} {answer.text[:300]}")


def _direct_create(http: requests.Session | ModuleType, url: str) -> None:
    """CreateAlbum straight at the stand-in: through a pooled Session, or `requests` itself (unpooled)."""
    answer = http.post(
        f"{url}/v1/Pictures/CreateAlbum",
        json=ALBUM,
        headers={"Authorization": "Bearer demo-member-token", "Accept": "application/json"},
        timeout=10,
    )
    answer.raise_for_status()


def _connections_opened(bench: BenchEnvironment, create: Callable[[], None]) -> int:
    """Connections the stand-in saw opened while `create` ran REUSE_CREATES times."""
    before = bench.standin.stats()["connections_opened"]
    for _ in range(REUSE_CREATES):
        create()
    return bench.standin.stats()["connections_opened"] - before


def _medians(bench: BenchEnvironment, portal: requests.Session, url: str, latency: float) -> tuple[float, float]:
    """Median ms of a create through the portal and of the same create sent straight to the stand-in."""
    direct = requests.Session()
    bench.standin.config(latency=latency)
    for _ in range(WARMUP):
        _portal_create(portal, url)
        _direct_create(direct, bench.standin.url)
    portal_times, direct_times = [], []
    for _ in range(RUNS):  # interleaved, so drift on the machine touches both alike
        portal_times.append(timed_ms(lambda: _portal_create(portal, url)))
        direct_times.append(timed_ms(lambda: _direct_create(direct, bench.standin.url)))
    return statistics.median(portal_times), statistics.median(direct_times)


def submit_rows(bench: BenchEnvironment) -> list[Row]:
    bench_user("submitter")
    server = bench.serve(workers=1, threads=4)
    try:
        portal = signed_in_session(server.url, "submitter", "bench-password-1")
        through_portal, straight = _medians(bench, portal, server.url, LATENCY)
        instant_portal, instant_direct = _medians(bench, portal, server.url, 0)
    finally:
        server.stop()
    ratio = through_portal / straight
    # A fresh portal process, so every connection it uses is one it opens. (The stand-in is not reset:
    # it would hand out AlbumIDs the portal has already recorded.)
    server = bench.serve(workers=1, threads=4)
    try:
        portal = signed_in_session(server.url, "submitter", "bench-password-1")
        portal_connections = _connections_opened(bench, partial(_portal_create, portal, server.url))
    finally:
        server.stop()
    unpooled_connections = _connections_opened(bench, partial(_direct_create, requests, bench.standin.url))
    return [
        Row(
            name=f"Submit overhead (median of {RUNS}, API answers in {LATENCY * 1000:.0f} ms)",
            measured=f"portal {ms(through_portal)}",
            baseline=f"direct {ms(straight)}",
            figure=f"+{through_portal - straight:.1f} ms, ratio {ratio:.3f}",
            budget="ratio <= 1.10",
            passed=ratio <= 1.10,
        ),
        Row(
            name="Submit overhead, API answering at once (context)",
            measured=f"portal {ms(instant_portal)}",
            baseline=f"direct {ms(instant_direct)}",
            figure=f"+{instant_portal - instant_direct:.1f} ms",
            budget="-",
            passed=None,
        ),
        Row(
            name=f"Connection reuse ({REUSE_CREATES} sequential creates)",
            measured=f"{portal_connections} opened",
            baseline=f"{unpooled_connections} opened unpooled",
            figure=f"{portal_connections} connection(s)",
            budget="1",
            passed=portal_connections == 1,
        ),
    ]
