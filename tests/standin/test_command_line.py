"""python -m aw_standin as the portal's tests run it: a subprocess driven over HTTP only."""

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"AdultWork stand-in listening on (http://127\.0\.0\.1:(\d+))\n")


def start(*args: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "aw_standin", "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    found = LISTENING.fullmatch(line)
    if found is None:
        process.kill()
        pytest.fail(f"unexpected first line {line!r}; stderr: {process.stderr.read()}")
    return process, found.group(1)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_prints_one_line_with_its_url_and_stops_cleanly_on_a_signal(signum):
    process, url = start()
    try:
        with requests.Session() as session:  # a kept-alive connection must not hold up the exit
            assert session.get(f"{url}/_standin/stats", timeout=5).json()["requests"] == 0
            process.send_signal(signum)
            assert process.wait(timeout=5) == 0
    finally:
        process.kill()
    assert process.stdout.read() == ""
    assert process.stderr.read() == ""


def test_options_set_token_lifetime_latency_and_an_extra_client():
    process, url = start(
        "--access-token-lifetime", "60",
        "--latency", "0.05",
        "--client-id", "cli-client",
        "--client-secret", "cli-secret",
        "--redirect-uri", "http://127.0.0.1:9999/cb/",
        "--require-pkce",
    )
    try:
        requests.post(f"{url}/_standin/reset", timeout=5).raise_for_status()
        config = requests.get(f"{url}/_standin/config", timeout=5).json()
        assert (config["access_token_lifetime"], config["latency"], config["require_pkce"]) == (60, 0.05, True)
        requests.post(f"{url}/_standin/config", json={"require_pkce": False}, timeout=5).raise_for_status()
        approved = requests.post(
            f"{url}/OAuth/Authorize",
            data={"client_id": "cli-client", "redirect_uri": "http://127.0.0.1:9999/cb/", "scope": "profile_gallery",
                  "state": "s", "response_type": "code", "user_id": "100001", "granted_scope": "profile_gallery",
                  "decision": "approve"},
            allow_redirects=False,
            timeout=5,
        )
        code = re.search(r"code=([^&]+)", approved.headers["Location"]).group(1)
        issued = requests.post(
            f"{url}/OAuth/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1:9999/cb/",
                  "client_id": "cli-client", "client_secret": "cli-secret"},
            timeout=5,
        ).json()
        assert issued["expires_in"] == 60
        demo_page = requests.get(
            f"{url}/OAuth/Authorize?response_type=code&client_id=awportal-demo"
            "&redirect_uri=http://localhost:8000/connect/callback/",
            timeout=5,
        )
        assert demo_page.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_redirect_uri_alone_extends_the_demo_client():
    process, url = start("--redirect-uri", "http://127.0.0.1:7777/connect/callback/")
    try:
        page = requests.get(
            f"{url}/OAuth/Authorize?response_type=code&client_id=awportal-demo"
            "&redirect_uri=http://127.0.0.1:7777/connect/callback/",
            timeout=5,
        )
        assert page.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_another_client_without_a_secret_is_a_usage_error():
    result = subprocess.run(
        [sys.executable, "-m", "aw_standin", "--port", "0", "--client-id", "other"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert result.returncode == 2
    assert "--client-secret" in result.stderr
    assert result.stdout == ""
