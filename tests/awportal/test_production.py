"""Production serving: gunicorn with the project's config, hashed compressed static files, shared cache, log format."""

import json
import subprocess
import sys

import pytest
import requests

from harness.gunicorn import ROOT, GunicornProcess, portal_env


def settings_value(expression: str, **env: str) -> subprocess.CompletedProcess:
    """Evaluate `expression` after loading the real settings from `env` alone, in a fresh process."""
    code = f"import django; django.setup(); from django.conf import settings; from django.core.cache import caches; cache = caches['default']; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=portal_env(DJANGO_SETTINGS_MODULE="awportal.settings", PATH="/usr/bin:/bin", **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_by_default_each_process_caches_in_its_own_memory_and_sessions_are_read_from_the_database():
    result = settings_value("settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE")
    assert result.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache", "django.contrib.sessions.backends.db"
    ], result.stderr


def test_a_redis_cache_url_shares_the_cache_and_session_reads_through_djangos_own_redis_backend():
    # CI starts Redis (.ci/run); database 15 keeps this out of anything real.
    result = settings_value(
        "type(cache).__name__, cache.set('probe', 41) or cache.incr('probe'), settings.SESSION_ENGINE",
        CACHE_URL="redis://127.0.0.1:6379/15",
    )
    assert result.stdout.split() == ["RedisCache", "42", "django.contrib.sessions.backends.cached_db"], result.stderr


def test_an_unknown_log_format_is_refused_at_start():
    result = settings_value("1", LOG_FORMAT="xml")
    assert result.returncode != 0 and "LOG_FORMAT must be one of plain, json" in result.stderr


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The portal under gunicorn with JSON logs, static files collected as a deploy would."""
    root = tmp_path_factory.mktemp("production")
    env = portal_env(
        DATABASE_URL=f"sqlite:///{root / 'portal.sqlite3'}", STATIC_ROOT=str(root / "static"), LOG_FORMAT="json"
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, env={"PATH": "/usr/bin:/bin", **env},
        check=True, capture_output=True, timeout=120,
    )
    server = GunicornProcess(env, workers=1, threads=2)
    yield server
    server.stop()


def test_static_files_are_served_hashed_compressed_and_cached_for_good(served):
    page = requests.get(f"{served.url}/accounts/login/", timeout=5)
    stylesheet = page.text.split('rel="stylesheet" href="')[1].split('"')[0]

    response = requests.get(served.url + stylesheet, headers={"Accept-Encoding": "gzip"}, timeout=5)

    assert page.status_code == 200
    assert stylesheet.startswith("/static/css/portal.") and stylesheet != "/static/css/portal.css"
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]


def test_the_server_logs_json_lines_with_paths_but_never_query_strings(served):
    requests.get(f"{served.url}/healthz?token=s3cr3t-in-query", timeout=5)
    requests.get(f"{served.url}/accounts/login/?next=/albums/%3Fapikey%3Ds3cr3t-in-next", timeout=5)

    lines = served.stop()

    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    access = [entry["message"] for entry in entries if entry["logger"] == "gunicorn.access"]
    assert any('"GET /healthz HTTP/1.1" 200' in line for line in access)
    assert any('"GET /accounts/login/ HTTP/1.1" 200' in line for line in access)
    assert "s3cr3t" not in "\n".join(lines)
