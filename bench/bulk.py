"""How close a bulk job comes to the ideal: N members x latency / concurrency.

Runs the whole path in one process against the stand-in started with `--latency`: a fresh SQLite
database, the demo group manager connected, the roster fetched, one bulk job queued in the database
and run by `manage.py db_worker --batch`. Prints one line; the ratio is wall time / ideal (1.00 is
perfect, more is slower).

    python bench/bulk.py [--members 100] [--latency 0.2] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.standin import StandInProcess  # noqa: E402

MANAGER_TOKEN = "demo-manager-token"  # the stand-in's group manager, whose group has 120 members


def _configure(*, database: Path, api_url: str, concurrency: int) -> None:
    from cryptography.fernet import Fernet

    os.environ.update(
        DJANGO_SETTINGS_MODULE="awportal.settings",
        DJANGO_READ_DOT_ENV_FILE="false",
        SECRET_KEY="bench-only",
        DEBUG="false",
        HTTPS="false",
        AW_TOKEN_KEYS=Fernet.generate_key().decode(),
        DATABASE_URL=f"sqlite:///{database}",
        AW_API_BASE_URL=api_url,
        AW_API_KEY="demo-api-key",
        AW_BULK_CONCURRENCY=str(concurrency),
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()


def _queue_job(members: int):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from albums import adultwork as aw
    from albums.services.bulk import bulk_job_create
    from albums.services.connections import connection_connect_with_token
    from albums.services.members import member_roster_refresh

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create(username="bench")
    connection = connection_connect_with_token(user=user, access_token=MANAGER_TOKEN)
    member_roster_refresh(connection=connection)
    chosen = list(connection.members.order_by("aw_user_id").values_list("aw_user_id", flat=True)[:members])
    if len(chosen) < members:
        raise SystemExit(f"the stand-in's group has only {len(chosen)} members")
    return bulk_job_create(
        user=user, connection=connection, member_user_ids=chosen, album=aw.AlbumInput(name="Bench"), submission_key=uuid.uuid4()
    )


def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds the stand-in takes per request")
    parser.add_argument("--concurrency", type=int, default=int(os.environ.get("AW_BULK_CONCURRENCY", 4)))
    args = parser.parse_args(argv)

    standin = StandInProcess("--latency", str(args.latency))
    try:
        with tempfile.TemporaryDirectory(prefix="awportal-bench-") as folder:
            _configure(database=Path(folder) / "bench.sqlite3", api_url=standin.url, concurrency=args.concurrency)
            logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
            job = _queue_job(args.members)

            from django.core.management import call_command

            from albums.selectors import bulk_job_progress

            started = time.perf_counter()
            call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)
            wall = time.perf_counter() - started
            created = bulk_job_progress(job=job).counts["created"]
    finally:
        standin.stop()
    if created != args.members:
        raise SystemExit(f"only {created} of {args.members} albums were created")
    ideal = args.members * args.latency / args.concurrency
    ratio = wall / ideal
    print(
        f"bulk: members={args.members} latency={args.latency:.3f}s concurrency={args.concurrency} "
        f"wall={wall:.2f}s ideal={ideal:.2f}s ratio={ratio:.2f}"
    )
    return ratio


if __name__ == "__main__":
    main()
