"""Runs every benchmark against one environment and prints one table."""

from __future__ import annotations

import os
import time
from pathlib import Path

from .environment import DEFAULT_DATABASE_URL, BenchEnvironment
from .history import history_rows
from .submit import submit_rows
from .table import Row, table_text
from .throughput import throughput_rows

RESULTS = Path(__file__).resolve().parent / "results"
BULK = Path(__file__).resolve().parent / "bulk.py"


def main() -> int:
    """Every benchmark, or those named in BENCH_ONLY (submit, history, throughput, bulk)."""
    started = time.monotonic()
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
            history, historian = history_rows()
            rows += history if wanted("history") else []
            rows += throughput_rows(bench, historian) if wanted("throughput") else []
        # --- Bulk creation (bench/bulk.py, from the agency work): main() returns its rows. ---
        if BULK.is_file() and wanted("bulk"):
            from . import bulk

            rows += bulk.main()
    finally:
        bench.close()
    setup = f"cache and session reads through {cache_url}" if cache_url else "per-process cache (BENCH_CACHE_URL unset)"
    text = (
        table_text(rows)
        + f"\n\n{sum(r.passed is False for r in rows)} over budget; {setup}; took {time.monotonic() - started:.0f} s"
    )
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.txt").write_text(text + "\n")
    return 1 if any(row.passed is False for row in rows) else 0
