"""Requests a second for the history, create form and album record pages against a signed-in trivial
Django view (sign-in is what every portal page pays), all under the same gunicorn."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time

import requests

from .environment import BenchEnvironment
from .table import Row

# Served by bench/urls.py.
TRIVIAL_PATH = "/_bench/trivial/"
SIGNED_IN_TRIVIAL_PATH = "/_bench/trivial-signed-in/"
# One worker: wrk's connections are kept alive and spread over the workers when they open, all eight on
# one worker as often as not, so with two the rate halved or doubled from run to run. One worker holding
# them all measures what a request costs, steadily.
WORKERS = 1
THREADS = 4
CONNECTIONS = 8
SECONDS = 5
MAX_REQUESTS = 50_000  # the Python load loop's bound, should it run instead of wrk
BUDGET = 0.5


def _wrk(url: str, cookie: str, seconds: int) -> float:
    output = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-H", f"Cookie: {cookie}", url],
        capture_output=True, text=True, timeout=seconds + 30, check=True,
    ).stdout
    if "Non-2xx" in output:
        raise RuntimeError(f"{url} answered with errors under load:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def _python_loop(url: str, cookie: str, seconds: int) -> float:
    """CONNECTIONS threads, each with a kept-alive session, until the time or the count runs out."""
    deadline = time.monotonic() + seconds
    done = [0] * CONNECTIONS
    failures: list[int] = []

    def hammer(slot: int) -> None:
        session = requests.Session()
        session.headers["Cookie"] = cookie
        while time.monotonic() < deadline and sum(done) < MAX_REQUESTS:
            status = session.get(url, timeout=10).status_code
            if status != 200:
                failures.append(status)
                return
            done[slot] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=hammer, args=(slot,)) for slot in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{url} answered {failures[0]} under load")
    return sum(done) / (time.monotonic() - started)


def throughput_rows(bench: BenchEnvironment, client, record_path: str) -> list[Row]:
    """`client` is a signed-in Django test client whose session the load generator reuses, and
    `record_path` one of its user's album records."""
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    generate, generator = (_wrk, "wrk") if shutil.which("wrk") else (_python_loop, "Python loop")
    pages = {
        "history page (50 rows)": "/albums/",
        "create form": "/albums/new/",
        "album record page": record_path,
        "signed-in trivial": SIGNED_IN_TRIVIAL_PATH,
        "trivial": TRIVIAL_PATH,
    }
    server = bench.serve(workers=WORKERS, threads=THREADS)
    try:
        for path in pages.values():
            generate(server.url + path, cookie, 1)  # warm the workers' connections and caches
        rates = {name: generate(server.url + path, cookie, SECONDS) for name, path in pages.items()}
    finally:
        server.stop()
    floor = rates["signed-in trivial"]
    rows = [
        Row(
            name=f"Throughput, {name}, gunicorn {WORKERS} worker{'s' if WORKERS > 1 else ''}, {generator}",
            measured=f"{rates[name]:.0f} req/s",
            baseline=f"signed-in trivial {floor:.0f} req/s",
            figure=f"ratio {rates[name] / floor:.2f}",
            budget=f">= {BUDGET}",
            passed=rates[name] / floor >= BUDGET,
        )
        for name in list(pages)[:3]
    ]
    rows.append(
        Row(
            name="Throughput, signed-in trivial view against an anonymous one (context: the sign-in's cost)",
            measured=f"{floor:.0f} req/s",
            baseline=f"trivial {rates['trivial']:.0f} req/s",
            figure=f"ratio {floor / rates['trivial']:.2f}",
            budget="-",
            passed=None,
        )
    )
    return rows
