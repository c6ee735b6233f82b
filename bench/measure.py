"""Timing helpers."""

from __future__ import annotations

import time
from collections.abc import Callable


def timed_ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def ms(value: float) -> str:
    return f"{value:.1f} ms"
