"""Sending an upload's pictures, in the worker: batch after batch, each batch an operation of its own.

Each batch is claimed (its record committed, then its pictures tied to the record) before its
request leaves, sent outside any transaction, and settled by the one state machine. A picture tied
to a record is never sent again unless that record certainly failed, so a worker that dies
mid-upload, and runs again, sends no picture twice:
- a record left pending with pictures may have been sent: it becomes unknown and is settled by
  reading the album's PictureIDs (reconcile.py), never by sending again;
- a record left pending with no pictures was never sent (pictures are tied before the send), and is
  closed as failed.
An upload stops at a batch that failed or whose outcome stays unknown; "Send the rest" queues it
again, for the pictures not sent.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import adultwork as aw
from ..errors import PortalError
from ..models import AlbumRecord, PictureUpload, UploadedPicture
from ..tasks import picture_upload_send_task
from .albums import (
    AlbumTarget,
    album_attempt_begin,
    album_attempt_finish,
    album_attempt_reauthorise,
    album_target_resolve,
)
from .bulk_worker import _send_patiently
from .gallery import album_listed
from .operations import AlbumOperation
from .picture_files import UnknownPictureFile, picture_batch_delete, picture_file_read
from .reconcile import album_record_check
from .records import album_record_mark_failed, album_record_mark_unknown
from .throttle import SharedPause

logger = logging.getLogger(__name__)

Status = AlbumRecord.Status
INTERRUPTED = (
    "The worker stopped while these pictures were on their way, so they may have been added. "
    "They are never sent again before AdultWork's album shows what happened."
)
NEVER_SENT = "The worker stopped before sending these pictures: nothing was sent."


def _sendable(upload: PictureUpload):
    """Pictures not sent yet: never tied to a batch, or tied to one that certainly failed."""
    return upload.pictures.filter(record__isnull=True) | upload.pictures.filter(record__status=Status.FAILED)


def _absorb(upload: PictureUpload, record: AlbumRecord) -> None:
    """A batch went through: its pictures take their new PictureIDs, its files go, and the upload knows
    the ids, so the next lost answer is told apart from this one."""
    new_ids = [int(part) for part in record.picture_ids.split(",") if part.strip().isdigit()]
    pictures = list(record.pictures.order_by("position"))
    if len(new_ids) == len(pictures):
        for picture, picture_id in zip(pictures, new_ids, strict=True):
            picture.picture_id = picture_id
        UploadedPicture.objects.bulk_update(pictures, ["picture_id"])
    known = [part for part in upload.known_picture_ids.split(",") if part] + [str(i) for i in new_ids]
    upload.known_picture_ids = ",".join(known)
    upload.save(update_fields=["known_picture_ids", "updated_at"])


def _settle_left_over(upload: PictureUpload) -> bool:
    """Batches a run that died left pending. True when every earlier batch is settled as done or failed."""
    for record in upload.records.filter(status=Status.PENDING):
        if not record.pictures.exists():
            album_record_mark_failed(record=record, message=NEVER_SENT)
            continue
        album_record_mark_unknown(record=record, message=INTERRUPTED)
    for record in upload.records.filter(status=Status.UNKNOWN).order_by("pk"):
        try:
            album_record_check(user=upload.created_by, record=record, by_user=False)
        except PortalError as error:
            logger.info("Picture upload %s: batch %s could not be checked: %s", upload.pk, record.pk, error.message)
        record.refresh_from_db()
        if record.status != Status.CREATED:
            return False
        _absorb(upload, record)
    return True


def _target(upload: PictureUpload) -> AlbumTarget:
    return album_target_resolve(
        user=upload.created_by,
        member_user_id=upload.aw_user_id if upload.for_member else None,
        connection=upload.connection if upload.for_member else None,
        to="add pictures",
        doing="adding pictures",
    )


def _batch_send(upload: PictureUpload, target: AlbumTarget, shown: aw.PictureAlbum, batch: list[UploadedPicture]) -> AlbumRecord:
    """Claim one batch, tie its pictures to it, send it once (again after a 429 or one refreshed 401),
    record the outcome. Raises PortalError, carrying the record, when it did not go through."""
    pictures = tuple(
        aw.PictureInput(
            title=picture.title,
            description=picture.description,
            jpeg=picture_file_read(batch_id=upload.batch_id, picture_id=picture.file_id),
        )
        for picture in batch
    )
    operation = AlbumOperation(kind=AlbumRecord.Kind.ADD_PICTURES, shown=shown, pictures=pictures, picture_upload=upload)
    record, attempt = album_attempt_begin(
        user=upload.created_by,
        target=target,
        album=aw.AlbumInput(name=upload.album_name),
        submission_key=uuid.uuid4(),  # each claim is new; what keeps a picture from going twice is its tie
        operation=operation,
    )
    UploadedPicture.objects.filter(pk__in=[picture.pk for picture in batch]).update(record=record)
    pause = SharedPause(attempt.connection.aw_user_id)
    outcome = _send_patiently(attempt, pause)
    if isinstance(outcome, aw.NotAuthorised) and (again := album_attempt_reauthorise(attempt)):
        outcome = _send_patiently(again, pause)
    return album_attempt_finish(attempt, outcome)


def picture_upload_send(*, upload_id: int) -> None:
    """Send the upload's pictures not sent yet, AW_PICTURE_BATCH_SIZE at a time. Runs in the worker."""
    with transaction.atomic():
        upload = PictureUpload.objects.select_for_update(of=("self",)).select_related("created_by", "connection").get(pk=upload_id)
        if upload.status != PictureUpload.Status.QUEUED:
            logger.warning("Picture upload %s is not waiting to be sent; not sending it", upload_id)
            return
        upload.status, upload.started_at, upload.error_message = PictureUpload.Status.RUNNING, timezone.now(), ""
        upload.save(update_fields=["status", "started_at", "error_message", "updated_at"])
    try:
        _send_all(upload)
    except PortalError as error:
        upload.error_message = error.message
    except UnknownPictureFile:
        upload.error_message = "The pictures waiting to be sent are gone (kept too long, or deleted). Upload them again."
    finally:
        upload.status, upload.finished_at = PictureUpload.Status.FINISHED, timezone.now()
        upload.save(update_fields=["status", "finished_at", "error_message", "updated_at"])
        if not _sendable(upload).exists() and not upload.records.filter(status=Status.UNKNOWN).exists():
            picture_batch_delete(batch_id=upload.batch_id)
        logger.info("Picture upload %s finished", upload.pk)


def _send_all(upload: PictureUpload) -> None:
    if not _settle_left_over(upload):
        raise PortalError(
            "A batch's outcome is unknown: AdultWork's album does not show yet whether its pictures were added. "
            "Nothing more is sent until it does; check the batch's record."
        )
    target = _target(upload)
    shown = album_listed(connection=target.connection, member=target.member, album_id=upload.album_id)
    if not upload.records.exists():  # what the album held before the first batch
        upload.known_picture_ids = shown.picture_ids or ""
        upload.save(update_fields=["known_picture_ids", "updated_at"])
    size = max(1, settings.AW_PICTURE_BATCH_SIZE)
    while batch := list(_sendable(upload).order_by("position")[:size]):
        record = _batch_send(upload, target, shown, batch)
        _absorb(upload, record)


def picture_upload_resume(*, upload: PictureUpload) -> None:
    """Queue the pictures not sent yet once more: after a batch failed, or after a worker that died
    left the upload running with no progress for longer than any request can take."""
    resumable = PictureUpload.objects.filter(
        Q(status=PictureUpload.Status.FINISHED) | Q(status=PictureUpload.Status.RUNNING, updated_at__lt=upload.stalled_before),
        pk=upload.pk,
    )
    with transaction.atomic():
        if not resumable.update(status=PictureUpload.Status.QUEUED, finished_at=None):
            raise PortalError("These pictures are being sent right now; wait for them to finish.")
        transaction.on_commit(lambda: picture_upload_send_task.enqueue(upload_id=upload.pk))
