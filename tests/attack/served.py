"""The portal served for an attack module: gunicorn with the production settings, on the test database."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from harness.gunicorn import ROOT, GunicornProcess, portal_env


@contextmanager
def production_server(
    *, redis_url: str, static_root: Path, django_db_blocker, threads: int = 2, **env: str
) -> Iterator[GunicornProcess]:
    """gunicorn on the PostgreSQL test database and the Redis database `redis_url` (emptied before and
    after), with the tests' SECRET_KEY and token keys, since the test process writes users, tokens and
    sessions the server reads. What the server commits is not rolled back, so the database is flushed
    when it stops."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    redis.Redis.from_url(redis_url).flushdb()
    database = connection.settings_dict
    env = portal_env(
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        CACHE_URL=redis_url,
        STATIC_ROOT=str(static_root),
        SECRET_KEY=settings.SECRET_KEY,
        AW_TOKEN_KEYS=",".join(settings.AW_TOKEN_KEYS),
        **env,
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT, env={"PATH": "/usr/bin:/bin", **env}, check=True, capture_output=True, timeout=120,
    )
    server = GunicornProcess(env, workers=1, threads=threads)
    try:
        yield server
    finally:
        server.stop()
        redis.Redis.from_url(redis_url).flushdb()
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
