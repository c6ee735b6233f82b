"""What every benchmark runs against: the stand-in, a PostgreSQL database of the bench's own, and the
portal configured for production, in this process (for setup and in-process timing) and under gunicorn."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from harness.gunicorn import GunicornProcess, portal_env
from harness.standin import StandInControl, StandInProcess

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/awportal_bench"


def database_recreate(url: str) -> None:
    """Drop and create the bench's database, so every run starts from the same empty history."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the bench's database name must contain 'bench'")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class BenchEnvironment:
    def __init__(self, database_url: str, cache_url: str = "") -> None:
        database_recreate(database_url)  # first, so an unreachable PostgreSQL stops the run before any process starts
        self._standin_process = StandInProcess()
        self.standin = StandInControl(self._standin_process.url)
        self._static = tempfile.TemporaryDirectory(prefix="awportal-bench-static-")
        self.env = portal_env(
            DJANGO_SETTINGS_MODULE="bench.settings",
            DATABASE_URL=database_url,
            CONN_MAX_AGE="60",
            AW_API_BASE_URL=self.standin.url,
            AW_OAUTH_BASE_URL=self.standin.url,
            AW_API_KEY="demo-api-key",
            STATIC_ROOT=self._static.name,
            # Uploaded pictures wait here to be sent; the bench never sends them.
            AW_PICTURE_DIR=str(Path(self._static.name) / "pictures"),
            LOG_LEVEL="WARNING",
            # Production recycles a worker every ~2,000 requests; mid-measurement a restart (seconds of
            # imports) would be charged to whichever page was being measured, most to the fastest.
            GUNICORN_MAX_REQUESTS="0",
            **({"CACHE_URL": cache_url} if cache_url else {}),
        )
        os.environ.update(self.env)
        try:
            self._prepare()
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _prepare() -> None:
        import django
        from django.core.management import call_command

        django.setup()
        from django.core.cache import cache

        cache.clear()  # no session or sign-in count from an earlier run
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)

    def serve(self, *, workers: int, threads: int) -> GunicornProcess:
        return GunicornProcess(self.env, workers=workers, threads=threads)

    def serve_naive(self, *, workers: int, threads: int) -> GunicornProcess:
        """The naive portal (bench/naive/) on the same database, under the same gunicorn config."""
        env = {**self.env, "DJANGO_SETTINGS_MODULE": "bench.naive.settings"}
        subprocess.run(
            [sys.executable, "-m", "django", "migrate", "--run-syncdb", "--verbosity", "0"],
            env={"PATH": os.environ["PATH"], **env}, check=True,
        )
        return GunicornProcess(env, workers=workers, threads=threads)

    def close(self) -> None:
        self._standin_process.stop()
        self._static.cleanup()


def bench_user(username: str, password: str = "bench-password-1"):
    """A portal user connected to the stand-in's demo member (100001)."""
    from django.contrib.auth import get_user_model

    from albums.crypto import secret_encrypt
    from albums.models import Connection

    user = get_user_model().objects.create_user(username=username, password=password)
    Connection.objects.create(
        user=user,
        aw_user_id=100001,
        scopes="account_information profile_gallery",
        source=Connection.Source.TOKEN,
        access_token_encrypted=secret_encrypt("demo-member-token"),
    )
    return user


