"""The portal under gunicorn with the production config, on a free loopback port, for tests and benchmarks."""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

import requests
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def portal_env(**settings: str) -> dict[str, str]:
    """A complete production-style environment for a portal process: no .env, fresh secrets."""
    return {
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "DEBUG": "false",
        "HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "AW_TOKEN_KEYS": Fernet.generate_key().decode(),
        **settings,
    }


class GunicornProcess:
    """`gunicorn -c gunicorn.conf.py awportal.wsgi` with `env` as its whole environment (plus PATH)."""

    def __init__(self, env: Mapping[str, str], *, workers: int = 1, threads: int = 2) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.output: list[str] = []
        self._process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "awportal.wsgi"],
            cwd=ROOT,
            env={
                "PATH": "/usr/bin:/bin",
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "WEB_CONCURRENCY": str(workers),
                "GUNICORN_THREADS": str(threads),
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # Keep reading, so the log can never fill the pipe and stall the server.
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._wait_until_healthy()

    @property
    def pid(self) -> int:
        """The master's; its workers are its children."""
        return self._process.pid

    def _read(self) -> None:
        for line in self._process.stdout:
            self.output.append(line.rstrip("\n"))

    def _wait_until_healthy(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                break
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or too busy starting to answer
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not become healthy:\n" + "\n".join(self.output[-30:]))

    def stop(self) -> list[str]:
        """Stop gracefully (SIGTERM, as a deploy does) and return everything it logged."""
        self._process.terminate()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.join(timeout=5)
        return self.output
