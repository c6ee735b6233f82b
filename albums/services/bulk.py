"""Bulk jobs: albums for many group members, sent in the background (bulk_worker.py sends them).

A job is made from the form (one definition for all, with one PIN, a generated PIN for each member, or
none) or from a checked spreadsheet (a definition per member, saved as a draft until started). Each
member's own definition, PIN included, is on their BulkJobItem, so the worker sends items, not the job.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .. import adultwork as aw
from ..errors import PortalError
from ..forms import pin_generate
from ..models import AlbumRecord, BulkJob, BulkJobItem, Connection, Member
from ..selectors import members_actable
from ..tasks import bulk_job_run_task
from .definitions import album_definition_fields

logger = logging.getLogger(__name__)

CANCELLED = "Not sent: the job was cancelled before reaching this member."
# A spreadsheet checked but never started is kept this long, then forgotten with its PINs.
DRAFT_LIFETIME = timedelta(days=1)


@dataclass(frozen=True)
class PlannedAlbum:
    """One member's album, as a checked spreadsheet row plans it."""

    member: Member
    album: aw.AlbumInput


def _pins_draw(count: int) -> list[str]:
    """`count` PINs drawn with `secrets` (forms.pin_generate), none guessable, no two alike."""
    pins: set[str] = set()
    while len(pins) < count:
        pins.add(pin_generate())
    return list(pins)


def _members_checked(
    *, user: AbstractBaseUser, connection: Connection, member_user_ids: Sequence[int] | None
) -> list[Member]:
    """The chosen members (all current ones for None); refuses, before anything is saved, one the user may
    not act for through `connection`."""
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
    return members


def _job_save(
    *,
    user: AbstractBaseUser,
    connection: Connection,
    submission_key: uuid.UUID,
    definition: aw.AlbumInput,
    pin_mode: str,
    planned: list[PlannedAlbum],
    status: str,
) -> BulkJob:
    """The job and one item per planned album, in one transaction; a repeated submission gets the job
    it made before. Queued jobs are handed to the workers once committed."""
    try:
        with transaction.atomic():
            job = BulkJob.objects.create(
                created_by=user,
                connection=connection,
                acting_aw_user_id=connection.aw_user_id,
                submission_key=submission_key,
                member_count=len(planned),
                pin_mode=pin_mode,
                status=status,
                **album_definition_fields(album=definition),
            )
            BulkJobItem.objects.bulk_create(
                BulkJobItem(
                    job=job, aw_user_id=p.member.aw_user_id, nickname=p.member.nickname, **album_definition_fields(album=p.album)
                )
                for p in planned
            )
            if status == BulkJob.Status.QUEUED:
                _enqueue_on_commit(job)
    except IntegrityError:  # the same submission, saved by a concurrent request
        return BulkJob.objects.get(created_by=user, submission_key=submission_key)
    logger.info("User %s saved bulk job %s (%s) for %s members", user.pk, job.pk, status, len(planned))
    return job


def bulk_job_create(
    *,
    user: AbstractBaseUser,
    connection: Connection,
    member_user_ids: Sequence[int] | None,
    album: aw.AlbumInput,
    pin_mode: str = BulkJob.PinMode.SAME,
    submission_key: uuid.UUID,
) -> BulkJob:
    """Queue one album for each chosen member (all current members when `member_user_ids` is None).

    `pin_mode` SAME sends `album`'s PIN to all; EACH gives every member a PIN of their own, drawn here
    and kept only encrypted (the creator sees them once the job is done), at `album`'s price; NONE sends
    no PIN. Refuses, before anything is queued, a member the user may not act for through `connection`.
    A repeated submission returns the job it already queued.
    """
    existing = BulkJob.objects.filter(created_by=user, submission_key=submission_key).first()
    if existing:
        return existing
    members = _members_checked(user=user, connection=connection, member_user_ids=member_user_ids)
    if pin_mode == BulkJob.PinMode.NONE:
        album = replace(album, pin_number="", pin_price=None)
    if pin_mode == BulkJob.PinMode.EACH:
        if album.pin_price is None:
            raise PortalError("A generated PIN needs a PIN price. Nothing was queued.")
        album = replace(album, pin_number="")  # the job itself holds none: each member's is on their item
        pins = _pins_draw(len(members))
    else:
        pins = [album.pin_number] * len(members)
    planned = [
        PlannedAlbum(member=member, album=replace(album, pin_number=pin)) for member, pin in zip(members, pins, strict=True)
    ]
    return _job_save(
        user=user,
        connection=connection,
        submission_key=submission_key,
        definition=album,
        pin_mode=pin_mode,
        planned=planned,
        status=BulkJob.Status.QUEUED,
    )


def bulk_job_plan_save(
    *, user: AbstractBaseUser, connection: Connection, name: str, planned: list[PlannedAlbum]
) -> BulkJob:
    """Keep a checked spreadsheet's good rows as a draft job, started only by bulk_job_start. The user's
    drafts older than DRAFT_LIFETIME are forgotten meanwhile."""
    BulkJob.objects.filter(
        created_by=user, status=BulkJob.Status.DRAFT, created_at__lt=timezone.now() - DRAFT_LIFETIME
    ).delete()
    if not planned:
        raise PortalError("No row of the file is good, so there is nothing to start.")
    _members_checked(user=user, connection=connection, member_user_ids=[p.member.aw_user_id for p in planned])
    return _job_save(
        user=user,
        connection=connection,
        submission_key=uuid.uuid4(),
        definition=aw.AlbumInput(name=name[:200], description=""),
        pin_mode=BulkJob.PinMode.SPREADSHEET,
        planned=planned,
        status=BulkJob.Status.DRAFT,
    )


def bulk_job_start(*, job: BulkJob) -> BulkJob:
    """Queue a draft (a checked spreadsheet). Starting it twice queues it once."""
    with transaction.atomic():
        if BulkJob.objects.filter(pk=job.pk, status=BulkJob.Status.DRAFT).update(
            status=BulkJob.Status.QUEUED, created_at=timezone.now()
        ):
            _enqueue_on_commit(job)
            logger.info("Bulk job %s started from its draft", job.pk)
    job.refresh_from_db()
    return job


def bulk_job_cancel(*, job: BulkJob) -> int:
    """Stop sending the rest: members not yet sent are closed as not sent (safe to retry); those on their
    way finish and are recorded. Returns how many members were left unsent."""
    now = timezone.now()
    with transaction.atomic():
        if not BulkJob.objects.filter(
            pk=job.pk, status__in=[BulkJob.Status.QUEUED, BulkJob.Status.RUNNING], cancelled_at__isnull=True
        ).update(cancelled_at=now):
            raise PortalError("This bulk job is not running, so there is nothing to cancel.")
        # Members a worker holds are its to close; the others are closed here, at once.
        unsent = job.items.filter(finished_at__isnull=True, record__isnull=True).filter(
            Q(lease_until__isnull=True) | Q(lease_until__lte=now)
        )
        left = unsent.update(finished_at=now, error_message=CANCELLED, lease_owner="", lease_until=None)
        if not job.items.filter(finished_at__isnull=True).exists():
            BulkJob.objects.filter(pk=job.pk).update(status=BulkJob.Status.FINISHED, finished_at=now)
    logger.info("Bulk job %s cancelled; %s members left unsent", job.pk, left)
    job.refresh_from_db()
    return left


def bulk_job_retry(*, job: BulkJob) -> int:
    """Queue the job again for its failed members only: a failed attempt created nothing, so a new
    attempt (with a new submission key) is safe. Members whose outcome is unknown are left alone.
    Returns how many members were queued again; refuses when none failed."""
    with transaction.atomic():
        if not BulkJob.objects.filter(pk=job.pk, status=BulkJob.Status.FINISHED).update(
            status=BulkJob.Status.QUEUED, cancelled_at=None
        ):
            raise PortalError("This bulk job is still running; retry its failed members once it has finished.")
        # The status change above lets one retry through at a time, so the items need no lock.
        retried = list(job.items.filter(Q(record__isnull=True) | Q(record__status=AlbumRecord.Status.FAILED)))
        for item in retried:
            item.attempt += 1
            item.record = None
            item.error_message = ""
            item.finished_at = item.lease_until = None
            item.lease_owner = ""
        BulkJobItem.objects.bulk_update(retried, ["attempt", "record", "error_message", "finished_at", "lease_until", "lease_owner"])
        if not retried:
            raise PortalError("No member failed, so there is nothing to retry.")  # rolls the status back
        _enqueue_on_commit(job)
    job.refresh_from_db()
    logger.info("Bulk job %s queued again for %s failed members", job.pk, len(retried))
    return len(retried)


def bulk_job_pins_shown(*, job: BulkJob) -> bool:
    """Note that the job's generated PINs were shown to its creator; True only the first time, which is
    when the finished job's page shows them by itself."""
    return bool(
        BulkJob.objects.filter(
            pk=job.pk, pin_mode=BulkJob.PinMode.EACH, status=BulkJob.Status.FINISHED, pins_shown_at__isnull=True
        ).update(pins_shown_at=timezone.now())
    )


def _enqueue_on_commit(job: BulkJob) -> None:
    """Hand the job to AW_BULK_WORKERS_PER_JOB runner tasks, so that as many workers send it together
    (and one carries on when another dies)."""
    for _ in range(max(1, settings.AW_BULK_WORKERS_PER_JOB)):
        transaction.on_commit(partial(bulk_job_run_task.enqueue, job_id=job.pk))
