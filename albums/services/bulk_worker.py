"""Sending a bulk job: any number of workers (`manage.py db_worker` processes, on one machine or many,
sharing PostgreSQL) send one job together, and survive one another's death.

- Leases. A worker claims a few members at a time (SELECT ... FOR UPDATE SKIP LOCKED, so two workers
  never claim the same one) with a lease of AW_BULK_LEASE_SECONDS, which its heartbeat renews while it
  works. A worker that dies (kill -9) stops renewing; once its leases run out, any worker takes those
  members over.
- Never twice. A member taken over whose record was claimed may have been sent: it is settled by
  reading AdultWork's album list (reconcile.album_record_check) and never sent blindly. Found, it is
  created; proven absent (a check from AW_OUTCOME_SETTLE_SECONDS after the request must have ended),
  it was never sent, and a new attempt sends it once. Until then it waits. A member never claimed is
  sent once: the record's unique submission key turns a second claim into a no-op.
- Bounds. Requests in flight and 429 pauses are per AdultWork account, across workers (throttle.py).
- Cancel. A cancelled job's workers stop claiming, let the requests on their way finish, and close the
  rest as not sent.

Only the requests run in pool threads; every database read and write happens on the worker's own
thread, so one database connection serves the worker (and holds its advisory locks).
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager, suppress
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .. import adultwork as aw
from ..crypto import SecretDecryptionError
from ..errors import PortalError
from ..models import AlbumRecord, BulkJob, BulkJobItem
from ..tasks import bulk_job_run_task
from .albums import (
    AlbumAttempt,
    AlbumTarget,
    album_attempt_begin,
    album_attempt_finish,
    album_attempt_reauthorise,
    album_targets_resolve,
)
from .bulk import CANCELLED
from .definitions import album_definition_input
from .reconcile import album_record_check
from .records import album_record_mark_unknown
from .throttle import AccountSlots, SharedPause

logger = logging.getLogger(__name__)

# A 429 pauses every sender of the account for Retry-After seconds (or a doubling guess when AdultWork
# does not say), and the member is sent again: a 429 means nothing was processed. A member still
# refused after this many tries, or told to wait longer than the longest pause, fails (and can be retried).
RATE_LIMIT_TRIES = 6
DEFAULT_PAUSE = 1.0
LONGEST_PAUSE = 60.0
# How long the worker's thread waits for an answer before looking again at slots, leases and the job.
POLL_SECONDS = 0.05
# How often a worker holding some of the account's slots asks for more (one holding none asks each time).
SLOT_RETRY_SECONDS = 0.25
INTERRUPTED = "The bulk job stopped before AdultWork's answer was recorded; it may have been created. Check before retrying."
NOT_SENT = "Not sent: the bulk job stopped before reaching this member."
UNSETTLED = (
    "A worker stopped while this member's request may have been on its way, and AdultWork's album list "
    "could not settle it. It was not sent again: check before retrying."
)


def _lease() -> timedelta:
    return timedelta(seconds=settings.AW_BULK_LEASE_SECONDS)


def _submission_key(job: BulkJob, item: BulkJobItem) -> uuid.UUID:
    """The same for every run of one attempt at one member, so a job run twice never sends twice."""
    return uuid.uuid5(job.submission_key, f"member {item.aw_user_id} attempt {item.attempt}")


def _send_patiently(attempt: AlbumAttempt, pause: SharedPause) -> aw.PictureAlbum | aw.AdultWorkError:
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


@contextmanager
def _bookkeeping() -> Iterator[None]:
    """A transaction for a lease or a member's closing, committed without waiting for the disk: losing
    it in a PostgreSQL crash only makes a member look unfinished, and a member taken over is settled by
    its record (whose claim and outcome are committed durably) and by GetAlbums, never sent blindly."""
    if connection.in_atomic_block:  # part of a larger piece of bookkeeping
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _items_claim(job: BulkJob, worker: str, count: int) -> list[BulkJobItem]:
    """Lease up to `count` members nobody holds (never leased, or their lease ran out)."""
    if count <= 0:
        return []
    now = timezone.now()
    with _bookkeeping():
        free = (
            job.items.select_for_update(skip_locked=True)
            .filter(finished_at__isnull=True)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
            .order_by("pk")
        )
        pks = list(free.values_list("pk", flat=True)[:count])
        BulkJobItem.objects.filter(pk__in=pks).update(lease_owner=worker, lease_until=now + _lease())
    return list(BulkJobItem.objects.filter(pk__in=pks).select_related("record").order_by("pk"))


def _item_finish(item: BulkJobItem, *, message: str | None = None) -> None:
    """Close the member's attempt, linking its record (if any) to it."""
    item.finished_at, item.lease_owner, item.lease_until = timezone.now(), "", None
    fields = ["finished_at", "lease_owner", "lease_until", "record"]
    if message is not None:
        item.error_message = message
        fields.append("error_message")
    with _bookkeeping():
        item.save(update_fields=fields)


def _item_release(item: BulkJobItem, *, until) -> None:
    """Give the member back, for any worker to take again from `until`."""
    item.lease_owner, item.lease_until = "", until
    with _bookkeeping():
        item.save(update_fields=["lease_owner", "lease_until", "record"])


class _Runner:
    """One worker's part of one job: its leases, its pool of senders, its slots for the account."""

    def __init__(self, job: BulkJob) -> None:
        self.job = job
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.concurrency = max(1, settings.AW_BULK_CONCURRENCY)
        self.pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix=f"bulk-job-{job.pk}")
        self.pause = SharedPause(job.acting_aw_user_id)
        self.slots = AccountSlots(job.acting_aw_user_id)
        self.unrecorded: dict[Future, tuple[AlbumAttempt, BulkJobItem]] = {}
        self.beat_at = time.monotonic()
        self.cancelled = job.cancelled_at is not None
        self.targets: dict[int, AlbumTarget | PortalError] = {}
        self.backlog: deque[BulkJobItem] = deque()
        self.acquired_at = 0.0

    # --- the loop ----------------------------------------------------------------------------

    def run(self) -> None:
        while True:
            self._heartbeat()
            self.pause.sync()
            started = self._members_start()
            if self.unrecorded:
                answered = self._answers_collect(timeout=POLL_SECONDS)
                try:
                    if answered:
                        self._members_start()  # the freed slots' next requests leave before the answers are recorded
                finally:
                    for future, attempt, item in answered:
                        self._outcome_record(attempt, future, item)
            elif not started:
                if not self.job.items.filter(finished_at__isnull=True).exists():
                    return
                time.sleep(POLL_SECONDS)  # the rest is leased by others, or the account's slots are busy

    def _members_start(self) -> int:
        """Start members from the backlog while this worker has a slot for each: send it, or settle it.
        Slots left idle when the backlog runs dry go back to the other workers of the account."""
        share = min(self.concurrency, self.slots.fair_share())
        if len(self.slots.held) < share and (not self.slots.held or time.monotonic() - self.acquired_at >= SLOT_RETRY_SECONDS):
            self.acquired_at = time.monotonic()
            self.slots.acquire(share - len(self.slots.held))
        started = 0
        while min(len(self.slots.held), share) > len(self.unrecorded) and (self.backlog or self._backlog_fill()):
            item = self.backlog.popleft()
            started += 1
            attempt = self._item_begin(item)
            if attempt is not None:
                self._submit(attempt, item)
        # Slots idle for want of members, or beyond this worker's share, go back to the other workers.
        keep = len(self.unrecorded) if not self.backlog else max(len(self.unrecorded), share)
        self.slots.release(len(self.slots.held) - keep)
        return started

    def _backlog_fill(self) -> bool:
        """Lease the next members, a pool's worth, and check at once that the job's user may still act
        for each (the grant, the member still in the group). False when none is free."""
        items = _items_claim(self.job, self.worker, self.concurrency)
        if items and self.job.connection is not None:
            self.targets.update(
                album_targets_resolve(
                    user=self.job.created_by, member_user_ids=[item.aw_user_id for item in items], connection=self.job.connection
                )
            )
        self.backlog.extend(items)
        return bool(items)

    def _heartbeat(self) -> None:
        """Renew this worker's leases, and notice a cancel, a third of a lease at a time."""
        if time.monotonic() - self.beat_at < settings.AW_BULK_LEASE_SECONDS / 3:
            return
        self.beat_at = time.monotonic()
        with _bookkeeping():
            BulkJobItem.objects.filter(lease_owner=self.worker, finished_at__isnull=True).update(
                lease_until=timezone.now() + _lease()
            )
        self.cancelled = BulkJob.objects.filter(pk=self.job.pk, cancelled_at__isnull=False).exists()

    # --- one member ----------------------------------------------------------------------------

    def _item_begin(self, item: BulkJobItem) -> AlbumAttempt | None:
        """The attempt to send for a leased member, or None when there is nothing to send now."""
        record = item.record
        if record is None:
            if self.cancelled or self.job.connection is None:
                _item_finish(item, message=CANCELLED if self.cancelled else "The manager's connection was removed.")
                return None
            return self._attempt_begin(item)
        if record.status != AlbumRecord.Status.PENDING:
            _item_finish(item)  # its outcome was recorded by a worker that stopped before closing it
            return None
        return self._abandoned_settle(item)

    def _attempt_begin(self, item: BulkJobItem, retry_of: AlbumRecord | None = None) -> AlbumAttempt | None:
        """Claim the member's record (checking, again, that the job's user may still act for them)."""
        job = self.job
        target = self.targets[item.aw_user_id]
        try:
            if isinstance(target, PortalError):
                raise target
            album = album_definition_input(definition=item)
        except PortalError as error:
            _item_finish(item, message=error.message)
            return None
        except SecretDecryptionError:
            _item_finish(item, message="This member's PIN can no longer be read by the portal: not sent.")
            return None
        try:
            record, attempt = album_attempt_begin(
                user=job.created_by,
                target=target,
                album=album,
                submission_key=_submission_key(job, item),
                bulk_job=job,
                retry_of=retry_of,
            )
        except PortalError as error:  # no working token: the record says so
            record, attempt = error.record, None
        # Linked when the member is closed: until then a worker taking over finds it by its submission key.
        item.record = record
        if attempt is not None:
            return attempt
        if record.status == AlbumRecord.Status.PENDING:
            return self._abandoned_settle(item)  # claimed by a worker that died before linking it
        _item_finish(item)
        return None

    def _abandoned_settle(self, item: BulkJobItem) -> AlbumAttempt | None:
        """A member whose request may have left with a worker that died: read AdultWork's album list, and
        send only once it proves that nothing was created. Until it can, the member waits."""
        record = item.record
        now = timezone.now()
        if self.job.connection is None:
            album_record_mark_unknown(record=record, message=UNSETTLED)
            _item_finish(item)
            return None
        if record.can_check:
            try:
                # A check from absence_provable_from on may prove absence, as the user's own check does.
                album_record_check(user=self.job.created_by, record=record, by_user=True)
            except PortalError as error:
                logger.info("Bulk job %s: member %s not settled: %s", self.job.pk, item.aw_user_id, error.message)
                if now < record.absence_provable_from:
                    _item_release(item, until=now + _lease())
                    return None
            record.refresh_from_db()
        if record.status == AlbumRecord.Status.FAILED and record.confirmed_absent_at and not self.cancelled:
            item.attempt += 1
            item.save(update_fields=["attempt"])
            logger.info("Bulk job %s: member %s proven never sent; sending once", self.job.pk, item.aw_user_id)
            return self._attempt_begin(item, retry_of=record)
        if record.status != AlbumRecord.Status.PENDING:
            _item_finish(item)
            return None
        if now < record.absence_provable_from:
            _item_release(item, until=record.absence_provable_from)
            return None
        album_record_mark_unknown(record=record, message=UNSETTLED)  # several matching albums: the user decides
        _item_finish(item)
        return None

    # --- sending -------------------------------------------------------------------------------

    def _submit(self, attempt: AlbumAttempt, item: BulkJobItem) -> None:
        self.unrecorded[self.pool.submit(_send_patiently, attempt, self.pause)] = (attempt, item)

    def _answers_collect(self, *, timeout: float | None) -> list[tuple[Future, AlbumAttempt, BulkJobItem]]:
        """The sends answered within `timeout`, their slots free for the next members. A 401 is sent again
        at once, in its own slot, with a refreshed token (AdultWork did nothing with it)."""
        answered = []
        for future in wait(self.unrecorded, timeout=timeout, return_when=FIRST_COMPLETED).done:
            attempt, item = self.unrecorded.pop(future)
            if future.exception() is None and isinstance(future.result(), aw.NotAuthorised):
                try:
                    again = album_attempt_reauthorise(attempt)
                except PortalError:
                    again = None  # the refresh failed, and the record says so
                if again is not None:
                    self._submit(again, item)
                    continue
                if attempt.record.status != AlbumRecord.Status.PENDING:
                    _item_finish(item)
                    continue
            answered.append((future, attempt, item))
        return answered

    def _outcome_record(self, attempt: AlbumAttempt, future: Future, item: BulkJobItem) -> None:
        """Record a finished send and close its member (a send that crashed is recorded as unknown: it
        may have gone out)."""
        try:
            outcome = future.result()
        except Exception:
            logger.exception("Bulk job send for album record %s crashed", attempt.record.pk)
            if attempt.record.status == AlbumRecord.Status.PENDING:
                album_record_mark_unknown(record=attempt.record, message=INTERRUPTED)
            _item_finish(item)
            return
        if isinstance(outcome, aw.PictureAlbum):
            # The album exists, so this write may go without waiting for the disk (see _bookkeeping):
            # were it lost, the record would be pending again, and GetAlbums would find the album.
            with _bookkeeping():
                album_attempt_finish(attempt, outcome)
                _item_finish(item)
            return
        with suppress(PortalError):  # a failure is recorded on the attempt's record, which the progress page shows
            album_attempt_finish(attempt, outcome)
        _item_finish(item)

    def close(self) -> None:
        """Stop: the requests on their way finish and are recorded (a send is submitted only with a slot,
        and the pool has a thread per slot, so none waits unsent). Members this worker leased and did not
        start go back to the others at once."""
        self.pool.shutdown(wait=True)
        for future, (attempt, item) in self.unrecorded.items():
            self._outcome_record(attempt, future, item)
        self.unrecorded.clear()
        BulkJobItem.objects.filter(lease_owner=self.worker, finished_at__isnull=True).update(lease_owner="", lease_until=None)
        self.slots.close()


def bulk_job_run(*, job_id: int) -> None:
    """This worker's part of a job: send its members until none is left, with every other worker that
    runs it too. Runs in the worker (albums.tasks)."""
    now = timezone.now()
    BulkJob.objects.filter(pk=job_id, status=BulkJob.Status.QUEUED).update(
        status=BulkJob.Status.RUNNING, started_at=now, finished_at=None
    )
    job = BulkJob.objects.select_related("created_by", "connection").filter(pk=job_id).first()
    if job is None or job.status != BulkJob.Status.RUNNING:
        logger.info("Bulk job %s is not running; nothing to do", job_id)
        return
    runner = _Runner(job)
    try:
        runner.run()
    finally:
        runner.close()
        _job_close_when_done(job)
    bulk_jobs_abandoned_resume()


def _job_close_when_done(job: BulkJob) -> None:
    with transaction.atomic():
        if job.items.filter(finished_at__isnull=True).exists():
            return  # another worker is still on it, or will take over what is left
        job.items.filter(record__isnull=True, error_message="").update(error_message=NOT_SENT)
        if BulkJob.objects.filter(pk=job.pk, status=BulkJob.Status.RUNNING).update(
            status=BulkJob.Status.FINISHED, finished_at=timezone.now()
        ):
            logger.info("Bulk job %s finished", job.pk)


def bulk_jobs_abandoned_resume() -> int:
    """Queue a runner for each running job nobody works on any more (every worker on it died): some of
    its members are unfinished, and none of them is leased. Run when any runner ends, and by
    `manage.py bulk_jobs_resume` (on a timer). Returns how many were queued."""
    now = timezone.now()
    leased = BulkJobItem.objects.filter(finished_at__isnull=True, lease_until__gt=now).values("job")
    waiting = BulkJobItem.objects.filter(finished_at__isnull=True).values("job")
    resumed = 0
    for job_id in (
        BulkJob.objects.filter(status=BulkJob.Status.RUNNING, pk__in=waiting).exclude(pk__in=leased).values_list("pk", flat=True)
    ):
        logger.info("Bulk job %s has no live worker: queueing one", job_id)
        bulk_job_run_task.enqueue(job_id=job_id)
        resumed += 1
    return resumed
