"""A bulk job's worker against the stand-in over real HTTP: 429s, 401s, and workers that stop or die
with members on their way. Several worker processes at once, on PostgreSQL: test_bulk_workers.py."""

import uuid
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from albums import adultwork as aw
from albums.crypto import secret_decrypt
from albums.models import AlbumRecord, BulkJob, BulkJobItem
from albums.services import bulk_worker
from albums.services.bulk import bulk_job_create
from albums.services.bulk_worker import bulk_job_run
from tests.factories import (
    DEMO_GROUP_ID,
    DEMO_MANAGER_ID,
    AlbumInputFactory,
    StaffGrantFactory,
    oauth_connection,
    roster,
)
from tests.support.bulk import GROUP_CREATE, outcomes, sent_user_ids
from tests.support.tasks import DATABASE_TASKS

pytestmark = pytest.mark.django_db


def test_a_429_is_honoured_its_member_sent_again_after_retry_after(manager, agency, standin, queue):
    standin.fault("rate_limit", match=GROUP_CREATE, times=1, retry_after=1)

    job = queue(manager, agency, [300001, 300002, 300003])

    assert set(outcomes(job).values()) == {"created"}
    calls = standin.requests(GROUP_CREATE)
    [throttled] = [c for c in calls if c["status"] == 429]
    [again] = [c for c in calls if c["json"]["UserID"] == throttled["json"]["UserID"] and c["status"] == 200]
    assert again["received_at"] - throttled["received_at"] >= 1.0
    assert len(calls) == 4


class Answers:
    """An attempt whose sends answer in turn from a list (no HTTP): for the retry rules alone."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.sent = 0

    def send(self):
        self.sent += 1
        return self.answers.pop(0)


class RecordedPause:
    def __init__(self):
        self.extended = []

    def wait(self):
        pass

    def extend(self, seconds):
        self.extended.append(seconds)


ALBUM = aw.PictureAlbum(user_id=300001, album_id=1, album_name="x", album_description=None, album_size=0, sequence=0, thumb_url=None, picture_ids=None)


def limited(retry_after):
    return aw.RateLimited("slow down", retry_after=retry_after)


def test_without_retry_after_the_pause_doubles():
    pause = RecordedPause()
    assert bulk_worker._send_patiently(Answers(limited(None), limited(None), limited(None), ALBUM), pause) == ALBUM
    assert pause.extended == [1.0, 2.0, 4.0]


def test_a_member_still_limited_after_every_try_fails_and_can_be_retried():
    attempt = Answers(*[limited(0)] * bulk_worker.RATE_LIMIT_TRIES)
    assert isinstance(bulk_worker._send_patiently(attempt, RecordedPause()), aw.RateLimited)
    assert attempt.sent == bulk_worker.RATE_LIMIT_TRIES


def test_a_wait_longer_than_the_longest_pause_is_not_sat_out():
    pause = RecordedPause()
    attempt = Answers(limited(bulk_worker.LONGEST_PAUSE + 1), ALBUM)
    assert isinstance(bulk_worker._send_patiently(attempt, pause), aw.RateLimited)
    assert (attempt.sent, pause.extended) == (1, [])


def test_running_a_job_again_sends_nothing_again(manager, agency, standin, queue):
    job = queue(manager, agency, [300001, 300002])
    # As if the worker had died after claiming the records but before linking them to their members.
    job.items.update(record=None, finished_at=None)
    BulkJob.objects.filter(pk=job.pk).update(status=BulkJob.Status.QUEUED)

    bulk_job_run(job_id=job.pk)

    assert sorted(sent_user_ids(standin)) == [300001, 300002]
    assert outcomes(job) == {300001: "created", 300002: "created"}


def abandoned(job, user_id: int, *, minutes_ago: int = 60) -> AlbumRecord:
    """As if the worker sending `user_id` had died after claiming its record: the record pending, the
    member unfinished, its lease run out."""
    item = job.items.get(aw_user_id=user_id)
    AlbumRecord.objects.filter(pk=item.record_id).update(
        status=AlbumRecord.Status.PENDING, album_id=None, completed_at=None,
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
    )
    item.finished_at, item.lease_owner, item.lease_until = None, "dead-worker", timezone.now() - timedelta(seconds=1)
    item.save()
    BulkJob.objects.filter(pk=job.pk).update(status=BulkJob.Status.RUNNING, finished_at=None)
    return AlbumRecord.objects.get(pk=item.record_id)


def test_a_member_whose_request_may_have_left_is_settled_by_getalbums_and_not_sent_again(manager, agency, standin, queue):
    job = queue(manager, agency, [300001, 300002])
    record = abandoned(job, 300001)  # AdultWork made its album before the worker died

    bulk_job_run(job_id=job.pk)

    assert sorted(sent_user_ids(standin)) == [300001, 300002]  # nothing sent again
    assert len(standin.requests("groups/pictures/getalbums")) == 1
    record.refresh_from_db()
    assert record.status == AlbumRecord.Status.CREATED and record.checked_at is not None
    assert BulkJob.objects.get().status == BulkJob.Status.FINISHED


def test_a_member_proven_never_sent_is_sent_once(manager, agency, standin, queue):
    job = queue(manager, agency, [300001, 300002])
    first = abandoned(job, 300002)
    standin.reset()  # AdultWork has no album for the member: the first request never arrived

    bulk_job_run(job_id=job.pk)

    assert sent_user_ids(standin) == [300002]
    first.refresh_from_db()
    assert first.status == AlbumRecord.Status.FAILED and first.confirmed_absent_at is not None
    again = job.items.get(aw_user_id=300002).record
    assert (again.retry_of, again.status) == (first, AlbumRecord.Status.CREATED)
    assert outcomes(job) == {300001: "created", 300002: "created"}


def test_a_member_whose_absence_cannot_be_proven_yet_waits_and_is_not_sent(manager, agency, standin, queue):
    job = queue(manager, agency, [300001])
    record = abandoned(job, 300001, minutes_ago=0)
    standin.reset()
    runner = bulk_worker._Runner(BulkJob.objects.select_related("created_by", "connection").get())
    [item] = bulk_worker._items_claim(runner.job, runner.worker, 1)

    assert runner._item_begin(item) is None

    item.refresh_from_db()
    assert (item.finished_at, item.lease_owner, item.lease_until) == (None, "", record.absence_provable_from)
    assert sent_user_ids(standin) == []
    assert bulk_worker._items_claim(runner.job, runner.worker, 1) == []  # nobody takes it before then
    runner.close()


def test_a_job_is_not_run_twice_at_once(manager, agency, standin, queue):
    job = queue(manager, agency, [300001])
    bulk_job_run(job_id=job.pk)  # finished: a second delivery of the task does nothing
    assert sent_user_ids(standin) == [300001]


def test_a_worker_that_stops_records_what_it_sent_and_leaves_the_rest_to_another(
    manager, agency, standin, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.AW_BULK_CONCURRENCY = 2
    real_begin = bulk_worker._Runner._attempt_begin
    begun = []

    def begin_then_stop(runner, item, retry_of=None):
        if len(begun) == 3:
            raise RuntimeError("the worker is stopping")
        begun.append(item.aw_user_id)
        return real_begin(runner, item, retry_of)

    with django_capture_on_commit_callbacks():  # queued, not run: the test runs it below
        job = bulk_job_create(
            user=manager, connection=agency, member_user_ids=list(range(300001, 300007)), album=AlbumInputFactory(name="x"), submission_key=uuid.uuid4()
        )
    with monkeypatch.context() as patch:
        patch.setattr(bulk_worker._Runner, "_attempt_begin", begin_then_stop)
        with pytest.raises(RuntimeError):
            bulk_job_run(job_id=job.pk)

    assert sorted(sent_user_ids(standin)) == begun
    assert {u for u, o in outcomes(job).items() if o == "created"} == set(begun)
    assert not job.items.exclude(lease_owner="").exists()  # what it held is free at once
    assert BulkJob.objects.get().status == BulkJob.Status.RUNNING

    bulk_job_run(job_id=job.pk)  # another worker

    assert Counter(sent_user_ids(standin)) == Counter(range(300001, 300007))
    assert set(outcomes(job).values()) == {"created"}
    assert BulkJob.objects.get().status == BulkJob.Status.FINISHED


def test_a_401_mid_job_refreshes_the_managers_token_once_and_sends_those_members_again(staff, standin, queue, settings):
    settings.AW_BULK_CONCURRENCY = 3
    agency = oauth_connection(standin, user_id=DEMO_MANAGER_ID, group_id=DEMO_GROUP_ID, group_name="Demo Agency", is_group_manager=True)
    StaffGrantFactory(connection=agency, user=staff)
    roster(agency, range(300001, 300007))
    standin.expire(token=secret_decrypt(agency.access_token_encrypted))  # AdultWork forgot it early

    job = queue(staff, agency, list(range(300001, 300007)))

    assert set(outcomes(job).values()) == {"created"}
    refreshes = [r for r in standin.requests("/oauth/token") if (r["form"] or {}).get("grant_type") == "refresh_token"]
    assert len(refreshes) == 1
    assert Counter(a["UserID"] for a in standin.albums() if a["UserID"] >= 300001) == Counter(range(300001, 300007))


def test_a_401_for_a_pasted_token_fails_the_members_and_asks_the_manager_to_reconnect(manager, agency, standin, queue, settings):
    settings.AW_BULK_CONCURRENCY = 1
    standin.expire(token="demo-manager-token")

    job = queue(manager, agency, [300001, 300002, 300003])

    assert set(outcomes(job).values()) == {"failed"}
    agency.refresh_from_db()
    assert agency.status == agency.Status.NEEDS_RECONNECT
    # One at a time: after the first 401 the connection needs reconnecting, so the others never left.
    assert len(standin.requests(GROUP_CREATE)) == 1


def test_a_job_whose_workers_all_died_is_resumed_by_the_command(manager, agency, standin, queue, settings):
    job = queue(manager, agency, [300001, 300002])
    abandoned(job, 300002)  # its only worker died with the member claimed; nobody holds it now
    BulkJobItem.objects.filter(job=job).update(lease_until=None)
    settings.TASKS = DATABASE_TASKS

    out = StringIO()
    call_command("bulk_jobs_resume", stdout=out)

    assert "1 abandoned bulk job" in out.getvalue()
    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs["kwargs"] == {"job_id": job.pk}
    BulkJobItem.objects.filter(job=job, aw_user_id=300002).update(lease_until=timezone.now() + timedelta(minutes=1))
    assert bulk_worker.bulk_jobs_abandoned_resume() == 0  # a worker holds it: not abandoned
