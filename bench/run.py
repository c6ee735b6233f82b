"""Runs every benchmark against one environment and prints one table."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from .environment import DEFAULT_DATABASE_URL, BenchEnvironment
from .history import history_rows
from .pictures import pictures_rows
from .price import price_rows
from .submit import submit_rows
from .table import Row, table_text
from .throughput import throughput_rows

RESULTS = Path(__file__).resolve().parent / "results"
BULK = Path(__file__).resolve().parent / "bulk.py"
BULK_BUDGET = 1.25


def bulk_rows() -> list[Row]:
    """bench/bulk.py's figure. It sets Django up for itself (its own database, BENCH_DATABASE_URL's name
    + "_bulk", its own stand-in with latency, its own db_worker processes), so it runs as a process of
    its own; its last line says `... wall=Ws ideal=Is ratio=R`."""
    env = {"PATH": os.environ["PATH"], "BENCH_DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)}
    result = subprocess.run([sys.executable, str(BULK)], env=env, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise RuntimeError(f"bench/bulk.py failed:\n{result.stdout}{result.stderr}")
    line = result.stdout.strip().splitlines()[-1]
    values = dict(field.split("=", 1) for field in line.split()[1:])
    ratio = float(values["ratio"])
    return [
        Row(
            name=(
                f"Bulk ({values['members']} members, {values['latency']} latency, concurrency {values['concurrency']}, "
                f"{values['workers']} workers)"
            ),
            measured=f"wall {values['wall']}",
            baseline=f"ideal {values['ideal']}",
            figure=f"ratio {ratio:.2f}",
            budget=f"<= {BULK_BUDGET}",
            passed=ratio <= BULK_BUDGET,
        )
    ]


def main() -> int:
    """Every benchmark, or those named in BENCH_ONLY (submit, history, throughput, pictures, price, bulk)."""
    started, load_before = time.monotonic(), os.getloadavg()[0]
    only = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))

    def wanted(name: str) -> bool:
        return not only or name in only

    cache_url = os.environ.get("BENCH_CACHE_URL", "")
    bench = BenchEnvironment(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL), cache_url)
    try:
        rows: list[Row] = []
        if wanted("submit"):
            rows += submit_rows(bench)
        if wanted("history") or wanted("throughput"):
            history, historian, record_path = history_rows()
            rows += history if wanted("history") else []
            rows += throughput_rows(bench, historian, record_path) if wanted("throughput") else []
        if wanted("pictures"):
            rows += pictures_rows(bench)
        if wanted("price"):
            rows += price_rows(bench)
        # --- Bulk creation (bench/bulk.py, from the agency work) ---
        if BULK.is_file() and wanted("bulk"):
            rows += bulk_rows()
    finally:
        bench.close()
    setup = f"cache and session reads through {cache_url}" if cache_url else "per-process cache (BENCH_CACHE_URL unset)"
    # Timings on a shared machine move with its load: say what it was.
    load = f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after on {os.cpu_count()} CPUs"
    took = f"took {time.monotonic() - started:.0f} s"
    text = table_text(rows) + f"\n\n{sum(r.passed is False for r in rows)} over budget; {setup}; {load}; {took}"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.txt").write_text(text + "\n")
    return 1 if any(row.passed is False for row in rows) else 0
