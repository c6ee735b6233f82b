"""Bulk jobs: one album definition sent to many group members in the background.

The worker runs `bulk_job_run`, which keeps at most AW_BULK_CONCURRENCY requests in flight. Only the
requests run in threads; every database read and write happens on the worker's own thread, so one
database connection serves the whole job (and SQLite is never written from two threads).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from functools import partial

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .. import adultwork as aw
from ..errors import PortalError
from ..models import AlbumRecord, BulkJob, BulkJobItem, Connection
from ..selectors import members_actable
from ..tasks import bulk_job_run_task
from .albums import (
    AlbumAttempt,
    album_attempt_begin,
    album_attempt_finish,
    album_attempt_reauthorise,
    album_target_resolve,
)
from .definitions import album_definition_fields, album_definition_input
from .records import album_record_mark_failed, album_record_mark_unknown

logger = logging.getLogger(__name__)

# A 429 pauses every sender of the job for Retry-After seconds (or a doubling guess when AdultWork
# does not say), and the member is sent again: a 429 means nothing was processed. A member still
# refused after this many tries, or told to wait longer than the longest pause, fails (and can be retried).
RATE_LIMIT_TRIES = 6
DEFAULT_PAUSE = 1.0
LONGEST_PAUSE = 60.0
INTERRUPTED = "The bulk job stopped before AdultWork's answer was recorded; it may have been created. Check before retrying."
NOT_SENT = "Not sent: the bulk job stopped before reaching this member."


def bulk_job_create(
    *,
    user: AbstractBaseUser,
    connection: Connection,
    member_user_ids: Sequence[int] | None,
    album: aw.AlbumInput,
    submission_key: uuid.UUID,
) -> BulkJob:
    """Queue one album for each chosen member (all current members when `member_user_ids` is None).

    Refuses, before anything is queued, a member the user may not act for through `connection`.
    A repeated submission returns the job it already queued.
    """
    existing = BulkJob.objects.filter(created_by=user, submission_key=submission_key).first()
    if existing:
        return existing
    members = members_actable(user=user, connection=connection)
    if member_user_ids is not None:
        members = members.filter(aw_user_id__in=member_user_ids)
    members = list(members)
    refused = sorted(set(member_user_ids or ()) - {member.aw_user_id for member in members})
    if refused:
        raise PortalError(
            f"You may not create albums for AdultWork member(s) {', '.join(map(str, refused))} through "
            f"{connection.group_name or 'this group'}. Nothing was queued."
        )
    if not members:
        raise PortalError("Choose at least one member. Nothing was queued.")
    try:
        with transaction.atomic():
            job = BulkJob.objects.create(
                created_by=user,
                connection=connection,
                acting_aw_user_id=connection.aw_user_id,
                submission_key=submission_key,
                member_count=len(members),
                **album_definition_fields(album=album),
            )
            BulkJobItem.objects.bulk_create(
                BulkJobItem(job=job, aw_user_id=member.aw_user_id, nickname=member.nickname) for member in members
            )
            _enqueue_on_commit(job)
    except IntegrityError:  # the same submission, queued by a concurrent request
        return BulkJob.objects.get(created_by=user, submission_key=submission_key)
    logger.info("User %s queued bulk job %s for %s members", user.pk, job.pk, len(members))
    return job


def bulk_job_retry(*, job: BulkJob) -> int:
    """Queue the job again for its failed members only: a failed attempt created nothing, so a new
    attempt (with a new submission key) is safe. Members whose outcome is unknown are left alone.
    Returns how many members were queued again; refuses when none failed."""
    with transaction.atomic():
        if not BulkJob.objects.filter(pk=job.pk, status=BulkJob.Status.FINISHED).update(status=BulkJob.Status.QUEUED):
            raise PortalError("This bulk job is still running; retry its failed members once it has finished.")
        # The status change above lets one retry through at a time, so the items need no lock.
        retried = list(job.items.filter(Q(record__isnull=True) | Q(record__status=AlbumRecord.Status.FAILED)))
        for item in retried:
            item.attempt += 1
            item.record = None
            item.error_message = ""
        BulkJobItem.objects.bulk_update(retried, ["attempt", "record", "error_message"])
        if not retried:
            raise PortalError("No member failed, so there is nothing to retry.")  # rolls the status back
        _enqueue_on_commit(job)
    job.refresh_from_db()
    logger.info("Bulk job %s queued again for %s failed members", job.pk, len(retried))
    return len(retried)


def _enqueue_on_commit(job: BulkJob) -> None:
    transaction.on_commit(partial(bulk_job_run_task.enqueue, job_id=job.pk))


def _submission_key(job: BulkJob, item: BulkJobItem) -> uuid.UUID:
    """The same for every run of one attempt at one member, so a job run twice never sends twice."""
    return uuid.uuid5(job.submission_key, f"member {item.aw_user_id} attempt {item.attempt}")


class _Pause:
    """A pause shared by every sender of one job: a 429 for one slows them all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._until = 0.0

    def wait(self) -> None:
        while (delay := self._remaining()) > 0:
            time.sleep(delay)

    def _remaining(self) -> float:
        with self._lock:
            return self._until - time.monotonic()

    def extend(self, seconds: float) -> None:
        with self._lock:
            self._until = max(self._until, time.monotonic() + seconds)


def _send_patiently(attempt: AlbumAttempt, pause: _Pause) -> aw.PictureAlbum | aw.AdultWorkError:
    """Send, and send again after a 429 once the shared pause is over. Runs in a pool thread."""
    for tries in range(1, RATE_LIMIT_TRIES + 1):
        pause.wait()
        outcome = attempt.send()
        if not isinstance(outcome, aw.RateLimited):
            return outcome
        wanted = outcome.retry_after if outcome.retry_after is not None else DEFAULT_PAUSE * 2 ** (tries - 1)
        if wanted > LONGEST_PAUSE:
            return outcome
        pause.extend(wanted)
    return outcome


def _item_attempt_begin(job: BulkJob, item: BulkJobItem, album: aw.AlbumInput) -> AlbumAttempt | None:
    """Claim the member's record (checking, again, that the job's user may still act for them); the
    attempt to send, or None when there is nothing to send."""
    try:
        target = album_target_resolve(user=job.created_by, member_user_id=item.aw_user_id, connection=job.connection)
    except PortalError as error:
        item.error_message = error.message
        item.save(update_fields=["error_message"])
        return None
    try:
        record, attempt = album_attempt_begin(
            user=job.created_by, target=target, album=album, submission_key=_submission_key(job, item), bulk_job=job
        )
    except PortalError as error:
        record, attempt = error.record, None
    item.record = record
    item.save(update_fields=["record"])
    if attempt is None and record.status == AlbumRecord.Status.PENDING:
        # Claimed by an earlier run of this job that stopped: it may have been sent.
        album_record_mark_unknown(record=record, message=INTERRUPTED)
    return attempt


def _attempt_outcome_record(attempt: AlbumAttempt, future: Future) -> None:
    """Record a finished send (a send that crashed is recorded as unknown: it may have gone out)."""
    try:
        album_attempt_finish(attempt, future.result())
    except PortalError:
        pass  # recorded on the attempt's record, which the progress page shows
    except Exception:
        logger.exception("Bulk job send for album record %s crashed", attempt.record.pk)
        if attempt.record.status == AlbumRecord.Status.PENDING:  # else its outcome was recorded before the crash
            album_record_mark_unknown(record=attempt.record, message=INTERRUPTED)


def _refused(future: Future) -> bool:
    """Whether AdultWork answered 401 (and so did nothing)."""
    return future.exception() is None and isinstance(future.result(), aw.NotAuthorised)


class _Sending:
    """One job's sends: a thread pool whose threads are the limit on requests in flight, the pause its
    senders share, and the attempts submitted whose outcome is not recorded yet. Only the sends run in
    the pool's threads; everything here runs on the worker's own thread."""

    def __init__(self, job: BulkJob, concurrency: int) -> None:
        self.pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix=f"bulk-job-{job.pk}")
        self.pause = _Pause()
        self.unrecorded: dict[Future, AlbumAttempt] = {}

    def submit(self, attempt: AlbumAttempt) -> None:
        self.unrecorded[self.pool.submit(_send_patiently, attempt, self.pause)] = attempt

    def record(self, *, keep: int = 0) -> None:
        """Record outcomes as they come until at most `keep` attempts are left unrecorded."""
        while len(self.unrecorded) > keep:
            for future in wait(self.unrecorded, return_when=FIRST_COMPLETED).done:
                attempt = self.unrecorded.pop(future)
                if _refused(future):
                    try:
                        again = album_attempt_reauthorise(attempt)
                    except PortalError:
                        continue  # the refresh failed, and the record says so
                    if again is not None:
                        self.submit(again)
                        continue
                _attempt_outcome_record(attempt, future)

    def close(self) -> None:
        """Stop: attempts still queued are never sent (failed, safe to retry); running ones finish and
        are recorded."""
        self.pool.shutdown(wait=True, cancel_futures=True)
        for future, attempt in self.unrecorded.items():
            if future.cancelled():
                album_record_mark_failed(record=attempt.record, message=NOT_SENT)
            else:
                _attempt_outcome_record(attempt, future)
        self.unrecorded.clear()


def bulk_job_run(*, job_id: int) -> None:
    """Send the job's waiting members, at most AW_BULK_CONCURRENCY at a time. Runs in the worker."""
    if not BulkJob.objects.filter(pk=job_id, status=BulkJob.Status.QUEUED).update(
        status=BulkJob.Status.RUNNING, started_at=timezone.now(), finished_at=None
    ):
        logger.warning("Bulk job %s is not waiting to run; not running it again", job_id)
        return
    job = BulkJob.objects.select_related("created_by", "connection").get(pk=job_id)
    concurrency = max(1, settings.AW_BULK_CONCURRENCY)
    sending = _Sending(job, concurrency)
    try:
        if job.connection is None:
            job.items.filter(record__isnull=True).update(error_message="The manager's connection was removed.")
            return
        album = album_definition_input(definition=job)
        for item in job.items.filter(record__isnull=True).order_by("pk"):
            # A few attempts are claimed ahead and wait in the pool's queue, so that recording
            # outcomes never leaves a thread idle.
            sending.record(keep=2 * concurrency - 1)
            attempt = _item_attempt_begin(job, item, album)
            if attempt is not None:
                sending.submit(attempt)
        sending.record()
    finally:
        sending.close()
        _job_close(job)


def _job_close(job: BulkJob) -> None:
    job.items.filter(record__isnull=True, error_message="").update(error_message=NOT_SENT)
    job.status, job.finished_at = BulkJob.Status.FINISHED, timezone.now()
    job.save(update_fields=["status", "finished_at"])
    logger.info("Bulk job %s finished", job.pk)
