"""The task worker, `manage.py db_worker`, as a process of its own: for the tests that kill one mid-job
and for the bulk benchmark."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections.abc import Mapping

from .gunicorn import ROOT
from .processes import process_stop


class WorkerProcess:
    """`manage.py db_worker` with `env` as its whole environment (plus PATH), polling the queue often."""

    def __init__(self, env: Mapping[str, str], *, name: str = "worker") -> None:
        self.name = name
        self.output: list[str] = []
        self._process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload"],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.pid = self._process.pid
        # Keep reading, so the log can never fill the pipe and stall the worker.
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self._process.stdout:
            self.output.append(line.rstrip("\n"))

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is cleaned up, as when a machine or the OOM killer takes it."""
        self._process.send_signal(signal.SIGKILL)
        self._process.wait()

    def stop(self) -> list[str]:
        """Stop as a deploy does (SIGTERM; SIGKILL after 15 s), and return everything it logged."""
        if self._process.poll() is None:
            process_stop(self._process, seconds=15)
        self._reader.join(timeout=5)
        return self.output
