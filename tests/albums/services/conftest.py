"""What the bulk job tests share: queueing a job (the tests' task backend runs it at once), retrying it."""

import uuid

import pytest

from albums.models import BulkJob
from albums.services.bulk import bulk_job_create, bulk_job_retry
from tests.factories import AlbumInputFactory


@pytest.fixture
def queue(django_capture_on_commit_callbacks):
    """Queue a bulk job; the tests' task backend runs it as soon as it is queued."""

    def run(user, connection, member_user_ids=None, *, pin_mode=BulkJob.PinMode.SAME, **album):
        with django_capture_on_commit_callbacks(execute=True):
            job = bulk_job_create(
                user=user,
                connection=connection,
                member_user_ids=member_user_ids,
                submission_key=album.pop("submission_key", uuid.uuid4()),
                album=AlbumInputFactory(**{"name": "Spring", **album}),
                pin_mode=pin_mode,
            )
        job.refresh_from_db()
        return job

    return run


@pytest.fixture
def retry(django_capture_on_commit_callbacks):
    """Queue a finished job again for its failed members, and run it."""

    def run(job):
        with django_capture_on_commit_callbacks(execute=True):
            return bulk_job_retry(job=job)

    return run
