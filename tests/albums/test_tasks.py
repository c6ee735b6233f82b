"""The bulk job through the real queue: the database task backend and `manage.py db_worker`."""

import signal
import uuid

import pytest
from django_tasks_db.models import DBTaskResult

from albums.models import BulkJob
from albums.selectors import bulk_job_progress
from albums.services.bulk import bulk_job_create
from tests.factories import AlbumInputFactory
from tests.support.tasks import DATABASE_TASKS, worker_run

# Committed for real: the worker closes and reopens database connections as it would in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def keep_signal_handlers():
    """The worker installs its own Ctrl-C handling; give the test run its own back."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def test_a_queued_job_waits_in_the_database_until_the_worker_runs_it(
    manager, agency, standin, settings, django_capture_on_commit_callbacks, keep_signal_handlers
):
    settings.TASKS = DATABASE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk_job_create(
            user=manager, connection=agency, member_user_ids=[300001, 300002, 300003], album=AlbumInputFactory(name="Queued"), submission_key=uuid.uuid4()
        )

    queued = list(DBTaskResult.objects.all())
    assert len(queued) == settings.AW_BULK_WORKERS_PER_JOB == 2  # as many workers may send it together
    assert {task.task_path for task in queued} == {"albums.tasks.bulk_job_run_task"}
    assert {str(task.args_kwargs) for task in queued} == {str({"args": [], "kwargs": {"job_id": job.pk}})}  # an id
    job.refresh_from_db()
    assert job.status == BulkJob.Status.QUEUED
    assert standin.requests() == []

    worker_run()

    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    progress = bulk_job_progress(job=job)
    assert progress.is_finished and progress.counts["created"] == 3
    assert len(standin.requests("groups/pictures/createalbum")) == 3
