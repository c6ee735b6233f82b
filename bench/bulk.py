"""How close a bulk job comes to the ideal: N members x latency / concurrency, sent by several workers.

Runs the whole path for real against the stand-in started with `--latency`: a PostgreSQL database of
its own (BENCH_DATABASE_URL's name + "_bulk", dropped and created afresh), the demo group manager
connected, the group grown to N members and its roster fetched, then WORKERS `manage.py db_worker`
processes waiting, and one bulk job queued. The clock runs from queueing the job to its being
finished. AW_BULK_CONCURRENCY is the bound on requests in flight for the account, shared by the
workers. Prints one line; the ratio is wall time / ideal (1.00 is perfect, more is slower).

    python bench/bulk.py [--members 1000] [--latency 0.2] [--concurrency 8] [--workers 2]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.environment import DEFAULT_DATABASE_URL, database_recreate  # noqa: E402
from harness.standin import StandInControl, StandInProcess  # noqa: E402
from harness.workers import WorkerProcess  # noqa: E402

MANAGER_TOKEN = "demo-manager-token"  # the stand-in's group manager (group 9001, 120 members to begin with)
GROUP_ID, FIRST_MEMBER_ID, DEMO_MEMBERS = 9001, 300001, 120


def _database_url() -> str:
    url = urlsplit(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    return urlunsplit(url._replace(path=url.path + "_bulk"))


def _environment(*, database_url: str, api_url: str, concurrency: int, workers: int) -> dict[str, str]:
    from cryptography.fernet import Fernet

    return {
        "DJANGO_SETTINGS_MODULE": "awportal.settings",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "SECRET_KEY": "bench-only",
        "DEBUG": "false",
        "HTTPS": "false",
        "AW_TOKEN_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "60",
        "AW_API_BASE_URL": api_url,
        "AW_API_KEY": "demo-api-key",
        "AW_BULK_CONCURRENCY": str(concurrency),
        "AW_BULK_WORKERS_PER_JOB": str(workers),
        "LOG_LEVEL": "WARNING",
    }


def _agency(members: int, standin: StandInControl):
    """The demo manager connected, their group grown to `members`, its roster fetched."""
    import django
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    django.setup()
    from albums.services.connections import connection_connect_with_token
    from albums.services.members import member_roster_refresh

    call_command("migrate", verbosity=0)
    extra = range(FIRST_MEMBER_ID + DEMO_MEMBERS, FIRST_MEMBER_ID + members)
    standin.group_members(group_id=GROUP_ID, add={user_id: f"bench{user_id}" for user_id in extra})
    user = get_user_model().objects.create(username="bench")
    connection = connection_connect_with_token(user=user, access_token=MANAGER_TOKEN)
    member_roster_refresh(connection=connection)
    return user, connection


def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds the stand-in takes per request")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    database_url = _database_url()
    database_recreate(database_url)
    standin_process = StandInProcess("--latency", str(args.latency))
    standin = StandInControl(standin_process.url)
    env = _environment(
        database_url=database_url, api_url=standin_process.url, concurrency=args.concurrency, workers=args.workers
    )
    os.environ.update(env)
    workers: list[WorkerProcess] = []
    try:
        user, connection = _agency(args.members, standin)
        logging.getLogger("django_tasks").setLevel(logging.WARNING)
        from albums import adultwork as aw
        from albums.models import BulkJob
        from albums.services.bulk import bulk_job_create

        workers = [WorkerProcess(env, name=f"worker {n + 1}") for n in range(args.workers)]
        time.sleep(3)  # started and polling the queue, as in production, before the job arrives
        standin.forget_requests()

        started = time.perf_counter()
        job = bulk_job_create(
            user=user, connection=connection, member_user_ids=None, album=aw.AlbumInput(name="Bench"), submission_key=uuid.uuid4()
        )
        while not BulkJob.objects.filter(pk=job.pk, status=BulkJob.Status.FINISHED).exists():
            time.sleep(0.02)
        wall = time.perf_counter() - started
        sent = Counter(r["json"]["UserID"] for r in standin.requests("groups/pictures/createalbum"))
        created = job.records.filter(status="created").count()
    finally:
        for worker in workers:
            worker.stop()
        standin_process.stop()
    if created != args.members or len(sent) != args.members or set(sent.values()) != {1}:
        raise SystemExit(f"{created} of {args.members} albums created, {sum(sent.values())} requests for {len(sent)} members")
    ideal = args.members * args.latency / args.concurrency
    ratio = wall / ideal
    print(
        f"bulk: members={args.members} latency={args.latency:.3f}s concurrency={args.concurrency} "
        f"workers={args.workers} wall={wall:.2f}s ideal={ideal:.2f}s ratio={ratio:.2f}"
    )
    return ratio


if __name__ == "__main__":
    main()
