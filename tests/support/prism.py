"""Prism (`@stoplight/prism-cli`, installed by `make setup` with `npm ci`) as a mock of AdultWork that checks
every request against `contract/adultwork.openapi.yaml`, and what its log says of each request.

Prism runs with `--errors`: a request that breaks the contract gets a 4xx (401 for the security scheme,
400 for a refused body or query, 404 for a path the contract lacks) and its log names each violation.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests
from openapi_spec_validator.readers import read_from_filename

from harness.processes import process_stop
from harness.standin import ROOT
from tests.support.waiting import wait_for

CONTRACT = ROOT / "contract" / "adultwork.openapi.yaml"
PRISM = ROOT / "node_modules" / ".bin" / "prism"

# Prism's log lines, e.g. "[8:26:05 AM] › [HTTP SERVER] post /v1/Pictures/CreateAlbum ℹ  info  Request received".
RECEIVED = re.compile(r"\[HTTP SERVER\] (\w+) (\S+) .*Request received$")
TERMINATED = re.compile(r"\[HTTP SERVER\] (\w+) (\S+) .*Request terminated with error: (.*)$")
OPERATION = re.compile(r"\[CLI\] .*info\s+(GET|POST|PUT|DELETE|PATCH)\s+https?://[^/]+(/[^?\s]*)")
LISTENING = re.compile(r"Prism is listening on (https?://\S+)")
VALIDATOR_ERROR = re.compile(r"\[VALIDATOR\] \S+\s+error\s+(.*)$")
RESPONDING = re.compile(r'> Responding with "(\d{3})"')
START_SECONDS = 60


def contract_operations(document: Path = CONTRACT) -> dict[str, tuple[str, str]]:
    """operationId -> (METHOD, path), as the contract spells them."""
    spec, _ = read_from_filename(str(document))
    return {
        operation["operationId"]: (method.upper(), path)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    }


@dataclass
class Exchange:
    """One request as Prism's log tells it: what was asked, what broke the contract, what was answered."""

    method: str
    path: str
    violations: list[str] = field(default_factory=list)
    status: int | None = None
    terminated: bool = False

    @property
    def finished(self) -> bool:
        return self.status is not None or self.terminated

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)


def exchanges_from_log(lines: list[str]) -> list[Exchange]:
    """Group Prism's log lines by request. Requests must not overlap (the suite sends one at a time)."""
    found: list[Exchange] = []
    for line in lines:
        if received := RECEIVED.search(line):
            found.append(Exchange(method=received.group(1).upper(), path=received.group(2)))
        elif not found:
            continue
        elif terminated := TERMINATED.search(line):
            found[-1].violations.append(terminated.group(3))
            found[-1].terminated = True
        elif (error := VALIDATOR_ERROR.search(line)) and not error.group(1).startswith("Violation: "):
            # Each violation is logged twice: before the answer, and after it as "Violation: <where> ...".
            found[-1].violations.append(error.group(1))
        elif responding := RESPONDING.search(line):
            found[-1].status = int(responding.group(1))
    return found


class PrismProcess:
    """`prism mock --errors` on the contract, on a free port, for one test session."""

    def __init__(self, document: Path = CONTRACT) -> None:
        if not PRISM.exists():
            raise RuntimeError(f"{PRISM} is missing: run `make setup` (it runs `npm ci`) to install Prism")
        (ROOT / "var").mkdir(exist_ok=True)
        self._log = open(ROOT / "var" / "prism-tests.log", "a")  # noqa: SIM115 (closed in stop)
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self.url = ""
        self.operations: set[tuple[str, str]] = set()
        self._process = subprocess.Popen(
            [str(PRISM), "mock", "--errors", "--host", "127.0.0.1", "--port", "0", str(document)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"},
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._ready.wait(START_SECONDS) or not self.url:
            self.stop()
            raise RuntimeError("Prism did not start; see var/prism-tests.log")

    def _read(self) -> None:
        for line in self._process.stdout:
            self._log.write(line)
            line = line.rstrip("\n")
            if not self._ready.is_set():
                if operation := OPERATION.search(line):
                    self.operations.add((operation.group(1), operation.group(2)))
                elif listening := LISTENING.search(line):
                    self.url = listening.group(1).rstrip("/")
                    self._ready.set()
                continue
            with self._lock:
                self._lines.append(line)
        self._ready.set()  # it exited: stop waiting for it

    def mark(self) -> int:
        """A position in the log: `exchanges(since=...)` then tells only of the requests after it."""
        with self._lock:
            return len(self._lines)

    def exchanges(self, *, since: int = 0) -> list[Exchange]:
        """The requests Prism saw since `since`.

        Prism logs a request after answering it, so a last request to a path outside the contract
        marks the end: once the log shows it, every earlier request is in the log, verdict included.
        """
        barrier = f"/contract-suite-barrier/{uuid.uuid4().hex}"
        requests.get(self.url + barrier, timeout=10)

        def logged() -> list[Exchange]:
            with self._lock:
                return exchanges_from_log(self._lines[since:])

        if not wait_for(lambda: any(e.path == barrier and e.finished for e in logged())):
            raise RuntimeError("Prism's log never showed the last request; see var/prism-tests.log")
        found = logged()
        return found[: next(i for i, e in enumerate(found) if e.path == barrier)]

    def stop(self) -> None:
        process_stop(self._process)
        self._reader.join(timeout=5)  # it writes the log until Prism's output ends
        self._log.close()
