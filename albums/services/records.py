"""The one state machine of an AlbumRecord: every write of its outcome happens here, nowhere else.

    (claim) ──> pending ──> created        the answer, or a check, shows the album
                   │  ├───> failed         AdultWork certainly did nothing
                   │  └───> unknown        AdultWork may have done it (or answered with an album
                   │           │           another record holds); never sent again blindly
                   │           │
                   └───────────┴──> created   a check (GetAlbums) finds the album
                                └─> failed    a check proves it absent (confirmed_absent_at)

A pending record reaches "created" or "absent" through a check only once the portal has stopped
waiting for its answer (AlbumRecord.can_check). Each transition refuses a record that is not in a
state it leaves from, so exactly-once cannot be undone by a caller out of order. A new kind of remote
write (edit, remove, add pictures) claims its own record and is settled by these same functions.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import adultwork as aw
from ..errors import PortalError
from ..models import AlbumRecord, BulkJob, Connection, Member
from ..selectors import agency_connection_get, connection_get
from .definitions import album_definition_fields
from .operations import AlbumOperation

logger = logging.getLogger(__name__)

Status = AlbumRecord.Status

# The states a record may still be settled from: by the request's answer (pending only) or by a check.
ANSWERABLE = frozenset({Status.PENDING})
CHECKABLE = frozenset({Status.PENDING, Status.UNKNOWN})


class ImpossibleTransition(RuntimeError):
    """A caller tried to move a record out of a state it cannot leave that way: a bug, never user input."""


def _require(record: AlbumRecord, sources: frozenset[str], to: str) -> None:
    if record.status not in sources:
        raise ImpossibleTransition(f"Album record {record.pk} cannot go from {record.status} to {to}.")


def album_record_claim(
    *,
    user: AbstractBaseUser,
    submission_key: uuid.UUID,
    connection: Connection,
    member: Member | None,
    album: aw.AlbumInput,
    bulk_job: BulkJob | None = None,
    retry_of: AlbumRecord | None = None,
    operation: AlbumOperation | None = None,
) -> tuple[AlbumRecord, bool]:
    """(nothing) -> pending: the record for this submission, and whether this call created it.

    A create's record names no album until one is created; an operation on an album that exists
    (`operation`) names it from the start, and keeps what AdultWork listed for it then.

    The claim commits before any request leaves, so a repeated submission (double click, reload,
    a second tab, a bulk job run again) finds it and never sends the album twice. The insert itself is
    the check (the unique constraint), so a first submission, the usual case, costs one statement.
    """
    try:
        with _conflict_safe():
            record = AlbumRecord.objects.create(
                created_by=user,
                submission_key=submission_key,
                aw_user_id=member.aw_user_id if member else connection.aw_user_id,
                acting_aw_user_id=connection.aw_user_id,
                connection=connection,
                for_member=member is not None,
                member_nickname=member.nickname if member else "",
                bulk_job=bulk_job,
                retry_of=retry_of,
                **album_definition_fields(album=album),
                **(_operation_fields(operation) if operation else {}),
            )
    except IntegrityError:  # this submission was claimed before
        return AlbumRecord.objects.get(created_by=user, submission_key=submission_key), False
    return record, True


def _conflict_safe():
    """Where a statement may break a unique constraint: requests run in autocommit (ATOMIC_REQUESTS is
    off), where it commits or fails by itself, one round trip instead of BEGIN, statement, COMMIT.
    Inside a transaction (a test's), a savepoint keeps a conflict from breaking it."""
    return transaction.atomic() if transaction.get_connection().in_atomic_block else contextlib.nullcontext()


def _operation_fields(operation: AlbumOperation) -> dict:
    shown = operation.shown
    return {
        "kind": operation.kind,
        "album_id": shown.album_id,
        "remove_pictures": operation.remove_pictures,
        "picture_upload": operation.picture_upload,
        "album_name": shown.album_name,
        "album_description": shown.album_description or "",
        "album_size": shown.album_size,
        "sequence": shown.sequence,
    }


def _close(record: AlbumRecord, *, status: str, message: str) -> None:
    record.status = status
    record.error_message = message
    record.completed_at = timezone.now()
    record.save(update_fields=["status", "error_message", "completed_at", "updated_at"])


def album_record_mark_failed(*, record: AlbumRecord, message: str) -> None:
    """pending -> failed: nothing was created (refused before or by AdultWork), so it may be sent anew."""
    _require(record, ANSWERABLE, Status.FAILED)
    _close(record, status=Status.FAILED, message=message)


def album_record_mark_unknown(*, record: AlbumRecord, message: str) -> None:
    """pending -> unknown: the request may have been processed; only a check may settle it now."""
    _require(record, ANSWERABLE, Status.UNKNOWN)
    _close(record, status=Status.UNKNOWN, message=message)


# What an answer (or a check's find) says of the album.
_ANSWER_FIELDS = [
    "album_id", "album_name", "album_description", "album_size", "sequence", "thumb_url", "picture_ids", "answer_notes"
]


def album_record_mark_created(
    *,
    record: AlbumRecord,
    album: aw.PictureAlbum | None,
    checked_at: datetime | None = None,
    picture_ids: list[int] | None = None,
) -> None:
    """pending or unknown -> created: the operation did what it asked. A create made `album`, an edit
    left the album as `album` (the answer, or found by the check made at `checked_at`); a removal has
    no album to show (None), and pictures have their new `picture_ids`."""
    _require(record, CHECKABLE, Status.CREATED)
    record.status = Status.CREATED
    changed = ["status", "completed_at", "updated_at"]
    if album is not None:
        changed += _ANSWER_FIELDS
        record.album_id = album.album_id
        record.album_name = album.album_name
        record.album_description = album.album_description or ""
        record.album_size = album.album_size
        record.sequence = album.sequence
        record.thumb_url = album.thumb_url or ""
        record.picture_ids = album.picture_ids or ""
        record.answer_notes = "\n".join(album.notes)
    if picture_ids is not None:
        record.picture_ids = ",".join(map(str, picture_ids))
        changed.append("picture_ids")
    record.completed_at = record.completed_at or timezone.now()
    if checked_at is not None:
        record.checked_at = checked_at
        changed.append("checked_at")
    # Only what the outcome changed: the definition, written by the claim, stays as it was sent.
    record.save(update_fields=changed)


def album_record_mark_answered(*, record: AlbumRecord, album: aw.PictureAlbum | None) -> None:
    """pending -> created with the answer (CreateAlbum's or UpdateAlbum's album, None for RemoveAlbum);
    or pending -> unknown when a create's answer cannot be this attempt's outcome because another record
    already holds its AlbumID. AdultWork said it created an album, so "failed" would be wrong, and
    "created" would give one album to two attempts: a check (which looks for the album sent under an
    AlbumID no other record holds) can still settle it."""
    _require(record, ANSWERABLE, Status.CREATED)
    try:
        with _conflict_safe():
            album_record_mark_created(record=record, album=album)
    except IntegrityError:
        record.refresh_from_db()
        holder = (
            AlbumRecord.objects.filter(aw_user_id=record.aw_user_id, album_id=album.album_id)
            .exclude(pk=record.pk)
            .values_list("pk", flat=True)
            .first()
        )
        album_record_mark_unknown(
            record=record,
            message=f"AdultWork answered that it created AlbumID {album.album_id}, but that album is already the "
            f"outcome of record #{holder}, so the answer cannot be this attempt's. Whether this attempt created an "
            "album is unknown: check again, or look at the account's albums on AdultWork.",
        )
        logger.warning("Album record %s: answer names AlbumID %s, held by record %s", record.pk, album.album_id, holder)


def album_record_mark_absent(*, record: AlbumRecord, checked_at: datetime) -> None:
    """pending or unknown -> failed, confirmed absent: a check proved that nothing was created, which
    is what lets the user send it again (albums.album_record_send_again)."""
    _require(record, CHECKABLE, Status.FAILED)
    record.status = Status.FAILED
    record.checked_at = checked_at
    record.confirmed_absent_at = checked_at
    record.completed_at = record.completed_at or checked_at
    record.save(update_fields=["status", "checked_at", "confirmed_absent_at", "completed_at", "updated_at"])


def album_record_mark_checked(*, record: AlbumRecord, checked_at: datetime) -> None:
    """No transition: a check that settled nothing, noted so the record says when it was last checked."""
    _require(record, CHECKABLE, record.status)
    record.checked_at = checked_at
    record.save(update_fields=["checked_at", "updated_at"])


def album_record_connection_get(*, user: AbstractBaseUser, record: AlbumRecord, to: str) -> Connection:
    """The connection to act through for `record`: for a member's record, the agency connection that
    made it (while the user may still use it); otherwise the user's own, provided it is to the account
    that made `record`. Raises PortalError, naming what the user wanted `to` do, when there is none."""
    if record.for_member and record.connection_id is not None:
        connection = agency_connection_get(user=user, pk=record.connection_id)
    else:
        connection = connection_get(user=user)
    if connection is None or connection.aw_user_id != record.acting_aw_user_id:
        raise PortalError(
            f"This attempt was made as AdultWork account {record.acting_aw_user_id}. Connect that account "
            f"to {to}."
        )
    return connection
