import re
import subprocess
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def process_stop(process: subprocess.Popen, *, seconds: float = 5) -> None:
    """Stop a server the suite started: SIGTERM, as a deploy does; SIGKILL if it takes longer."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class ServerProcess:
    """A server in a subprocess that prints the URL it listens on as its first line; its stderr goes to
    var/<log>, and whatever else it prints is read and dropped, so the pipe can never fill and block it."""

    def __init__(self, command: list[str], *, name: str, log: str, env: dict[str, str] | None = None) -> None:
        (ROOT / "var").mkdir(exist_ok=True)
        self._log = open(ROOT / "var" / log, "a")  # noqa: SIM115 (closed in stop)
        self._process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=self._log, text=True)
        line = self._process.stdout.readline()
        found = re.search(r"https?://\S+", line)
        if not found:
            self.stop()
            raise RuntimeError(f"{name} did not start (it printed {line!r}); see var/{log}")
        self.url = found.group(0).rstrip("/")
        threading.Thread(target=self._process.stdout.read, daemon=True).start()

    def stop(self) -> None:
        process_stop(self._process)
        self._log.close()
