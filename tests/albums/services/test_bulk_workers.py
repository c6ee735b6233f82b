"""Several `manage.py db_worker` processes on one job, on PostgreSQL, against the stand-in over HTTP: one
is killed with SIGKILL mid-job, and every member still gets exactly one CreateAlbum."""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection as db_connection

from albums.models import BulkJob, BulkJobItem
from albums.services.bulk import bulk_job_create
from albums.services.members import member_roster_refresh
from harness.workers import WorkerProcess
from tests.factories import FIRST_GROUP_MEMBER_ID, AlbumInputFactory, ManagerConnectionFactory
from tests.support.bulk import GROUP_CREATE, outcomes
from tests.support.tasks import DATABASE_TASKS

# Committed for real: the worker processes read what the test writes.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MEMBERS = 200
EXTRA = range(FIRST_GROUP_MEMBER_ID + 120, FIRST_GROUP_MEMBER_ID + MEMBERS)  # the stand-in's group has 120


def worker_env(standin_url: str, **settings: str) -> dict[str, str]:
    """The portal's settings for a worker process, on this test's database and the stand-in."""
    url = urlsplit(os.environ["DATABASE_URL"])
    database = urlunsplit(url._replace(path="/" + db_connection.settings_dict["NAME"]))
    return {
        "DJANGO_SETTINGS_MODULE": "awportal.settings",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "SECRET_KEY": "workers-test",
        "AW_TOKEN_KEYS": os.environ["AW_TOKEN_KEYS"],  # the tests' keys: the workers decrypt the token
        "DATABASE_URL": database,
        "AW_API_BASE_URL": standin_url,
        "AW_API_KEY": "demo-api-key",
        "LOG_LEVEL": "WARNING",
        **settings,
    }


def wait_for(condition, *, timeout: float, what: str, workers: tuple[WorkerProcess, ...] = ()) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            logs = {worker.name: worker.output[-10:] for worker in workers}
            raise AssertionError(f"timed out waiting for {what}; the workers logged: {logs}")
        time.sleep(0.05)


def holds_members(worker: WorkerProcess) -> bool:
    return BulkJobItem.objects.filter(lease_owner__contains=f":{worker.pid}:", finished_at__isnull=True).exists()


def test_a_worker_killed_mid_job_leaves_every_member_with_exactly_one_createalbum(standin, settings):
    settings.TASKS = DATABASE_TASKS
    standin.group_members(group_id=9001, add={user_id: f"member{user_id - FIRST_GROUP_MEMBER_ID + 1:03d}" for user_id in EXTRA})
    standin.config(latency=0.1)
    agency = ManagerConnectionFactory()
    member_roster_refresh(connection=agency)
    job = bulk_job_create(user=agency.user, connection=agency, member_user_ids=None, album=AlbumInputFactory(name="Survivor"), submission_key=uuid.uuid4())
    assert job.member_count == MEMBERS

    env = worker_env(
        standin.url,
        AW_BULK_CONCURRENCY="6",
        AW_BULK_LEASE_SECONDS="5",
        AW_BULK_WORKERS_PER_JOB="2",
        # A request that may have left is settled once it must have ended: within 2 x (1 + 2) s, plus 1 s.
        AW_CONNECT_TIMEOUT="1",
        AW_READ_TIMEOUT="2",
        AW_OUTCOME_SETTLE_SECONDS="1",
    )
    doomed, survivor = WorkerProcess(env, name="doomed"), WorkerProcess(env, name="survivor")
    try:
        both = (doomed, survivor)
        wait_for(lambda: holds_members(doomed) and holds_members(survivor), timeout=60, what="both workers on the job", workers=both)
        wait_for(lambda: len(standin.requests(GROUP_CREATE)) >= 40, timeout=60, what="40 members sent", workers=both)
        doomed.kill()  # with requests on their way and members leased
        held = list(
            BulkJobItem.objects.filter(lease_owner__contains=f":{doomed.pid}:", finished_at__isnull=True).values_list("pk", flat=True)
        )

        wait_for(lambda: BulkJob.objects.get().status == BulkJob.Status.FINISHED, timeout=180, what="the job to finish", workers=both)
    finally:
        doomed.stop()
        log = survivor.stop()

    assert held, "the killed worker held no member: the test proved nothing"
    sent = Counter(request["json"]["UserID"] for request in standin.requests(GROUP_CREATE))
    members = set(range(FIRST_GROUP_MEMBER_ID, FIRST_GROUP_MEMBER_ID + MEMBERS))
    assert set(sent) == members and set(sent.values()) == {1}, f"sent twice: {[u for u, n in sent.items() if n > 1]}"
    albums = Counter(album["UserID"] for album in standin.albums() if album["UserID"] in members)
    assert albums == Counter(members)
    assert set(outcomes(job).values()) == {"created"}, log[-20:]
    # Whatever the killed worker held and had claimed was settled by the survivor reading the album list
    # first (found, or proven absent and then sent once).
    for item in BulkJobItem.objects.filter(pk__in=held).select_related("record"):
        assert item.record.checked_at is not None or item.record.retry_of_id is not None or item.attempt == 1
    assert standin.requests("groups/pictures/getalbums")
