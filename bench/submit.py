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
# The portal may cost at most this much more than the naive portal (bench/naive/) for the same submission.
SUBMIT_BUDGET = 1.05
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
    # A browser follows the redirect, whose page shows (and so removes) the "created" message. Unread,
    # messages would pile up in the cookie until they spill into the session, a write per request that
    # no user causes.
    session.cookies.pop("messages", None)


def direct_create(http: requests.Session | ModuleType, url: str) -> int:
    """CreateAlbum straight at the stand-in for its demo member, through a pooled Session or `requests`
    itself (unpooled); the new AlbumID."""
    answer = http.post(
        f"{url}/v1/Pictures/CreateAlbum",
        json=ALBUM,
        headers={"Authorization": "Bearer demo-member-token", "Accept": "application/json"},
        timeout=10,
    )
    answer.raise_for_status()
    return answer.json()["AlbumID"]


def _connections_opened(bench: BenchEnvironment, create: Callable[[], None]) -> int:
    """Connections the stand-in saw opened while `create` ran REUSE_CREATES times."""
    before = bench.standin.stats()["connections_opened"]
    for _ in range(REUSE_CREATES):
        create()
    return bench.standin.stats()["connections_opened"] - before


def _medians(bench: BenchEnvironment, creates: dict[str, Callable[[], None]], latency: float) -> dict[str, float]:
    """Median ms of each way of creating the same album, with the stand-in answering after `latency`."""
    bench.standin.config(latency=latency)
    for _ in range(WARMUP):
        for create in creates.values():
            create()
    times: dict[str, list[float]] = {name: [] for name in creates}
    for _ in range(RUNS):  # interleaved, so drift on the machine touches each alike
        for name, create in creates.items():
            times[name].append(timed_ms(create))
    return {name: statistics.median(taken) for name, taken in times.items()}


def submit_rows(bench: BenchEnvironment) -> list[Row]:
    bench_user("submitter")
    server = bench.serve(workers=1, threads=4)
    naive = bench.serve_naive(workers=1, threads=4)
    try:
        portal = signed_in_session(server.url, "submitter", "bench-password-1")
        naive_portal = signed_in_session(naive.url, "submitter", "bench-password-1")
        creates = {
            "portal": partial(_portal_create, portal, server.url),
            "naive": partial(_portal_create, naive_portal, naive.url),
            "direct": partial(direct_create, requests.Session(), bench.standin.url),
        }
        waiting = _medians(bench, creates, LATENCY)
        instant = _medians(bench, creates, 0)
    finally:
        server.stop()
        naive.stop()
    ratio = waiting["portal"] / waiting["naive"]
    # A fresh portal process, so every connection it uses is one it opens. (The stand-in is not reset:
    # it would hand out AlbumIDs the portal has already recorded.)
    server = bench.serve(workers=1, threads=4)
    try:
        portal = signed_in_session(server.url, "submitter", "bench-password-1")
        portal_connections = _connections_opened(bench, partial(_portal_create, portal, server.url))
    finally:
        server.stop()
    unpooled_connections = _connections_opened(bench, partial(direct_create, requests, bench.standin.url))
    return [
        Row(
            name=f"Submit (median of {RUNS}, API answers in {LATENCY * 1000:.0f} ms)",
            measured=f"portal {ms(waiting['portal'])}",
            baseline=f"naive portal {ms(waiting['naive'])}",
            figure=f"ratio {ratio:.3f}; +{waiting['portal'] - waiting['direct']:.1f} ms over a direct call",
            budget=f"ratio <= {SUBMIT_BUDGET}",
            passed=ratio <= SUBMIT_BUDGET,
        ),
        Row(
            name="Submit, API answering at once (context)",
            measured=f"portal {ms(instant['portal'])}",
            baseline=f"naive portal {ms(instant['naive'])}",
            figure=f"+{instant['portal'] - instant['direct']:.1f} ms over a direct call "
            f"({ms(instant['direct'])}), naive +{instant['naive'] - instant['direct']:.1f} ms",
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
