"""Creating albums: claim a history record, call AdultWork once, record what came of it."""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import adultwork as aw
from ..crypto import SecretDecryptionError, secret_decrypt, secret_encrypt
from ..errors import PortalError, portal_error_from
from ..models import AlbumRecord
from ..selectors import connection_get
from .connections import connection_call_api
from .reconcile import album_record_check_after_unknown, album_record_found, record_connection

logger = logging.getLogger(__name__)

# Sending a record again uses a key derived from the record's own, so pressing the button twice sends once.
SEND_AGAIN_NAMESPACE = uuid.UUID("0b6f1f7e-3c55-4d4b-9d55-5f2b8e0c7a11")


def _record_claim(
    *,
    user: AbstractBaseUser,
    acting_aw_user_id: int,
    album: aw.AlbumInput,
    submission_key: uuid.UUID,
    retry_of: AlbumRecord | None,
) -> tuple[AlbumRecord, bool]:
    """The record for this submission, and whether this call created it.

    The claim commits before any request leaves, so a repeated submission (double click, reload,
    a second tab) finds it and never sends the album twice.
    """
    existing = AlbumRecord.objects.filter(created_by=user, submission_key=submission_key).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            record = AlbumRecord.objects.create(
                created_by=user,
                submission_key=submission_key,
                aw_user_id=acting_aw_user_id,
                acting_aw_user_id=acting_aw_user_id,
                name=album.name,
                description=album.description,
                pin_number_encrypted=secret_encrypt(album.pin_number) if album.pin_number else "",
                pin_price=album.pin_price,
                retry_of=retry_of,
            )
    except IntegrityError:  # another request claimed the same key between our read and insert
        return AlbumRecord.objects.get(created_by=user, submission_key=submission_key), False
    return record, True


def _record_failed(record: AlbumRecord, *, status: str, message: str) -> None:
    record.status = status
    record.error_message = message
    record.completed_at = timezone.now()
    record.save(update_fields=["status", "error_message", "completed_at", "updated_at"])


def album_create(
    *,
    user: AbstractBaseUser,
    name: str,
    description: str = "",
    pin_number: str = "",
    pin_price: Decimal | None = None,
    submission_key: uuid.UUID,
    retry_of: AlbumRecord | None = None,
) -> AlbumRecord:
    """Create an album on the user's own AdultWork account.

    Returns the record (the earlier one when this submission was already made), or raises
    PortalError carrying the record of a failed attempt.
    """
    connection = connection_get(user=user)
    if connection is None:
        raise PortalError("Connect your AdultWork account before creating albums.")
    if "profile_gallery" not in connection.scope_set:
        raise PortalError(
            "Your AdultWork connection was not granted the profile_gallery permission, which creating "
            "albums needs. Nothing was sent. Connect again and allow it.",
            code=PortalError.RECONNECT,
        )
    album = aw.AlbumInput(name=name, description=description, pin_number=pin_number, pin_price=pin_price)
    record, claimed = _record_claim(
        user=user,
        acting_aw_user_id=connection.aw_user_id,
        album=album,
        submission_key=submission_key,
        retry_of=retry_of,
    )
    if not claimed:
        return record
    try:
        created = connection_call_api(connection=connection, call=lambda client: client.album_create(album=album))
    except PortalError as error:  # no working token: nothing was sent, or AdultWork refused it (401)
        _record_failed(record, status=AlbumRecord.Status.FAILED, message=error.describe())
        error.record = record
        raise
    except aw.AdultWorkError as exc:
        error = portal_error_from(exc)
        status = AlbumRecord.Status.UNKNOWN if isinstance(exc, aw.OutcomeUnknown) else AlbumRecord.Status.FAILED
        _record_failed(record, status=status, message=error.describe())
        logger.info("Album record %s %s: %s", record.pk, status, type(exc).__name__)
        if status == AlbumRecord.Status.UNKNOWN and album_record_check_after_unknown(user=user, record=record):
            return record
        error.record = record
        raise error from None
    album_record_found(record=record, album=created)
    logger.info("Album record %s created AlbumID %s", record.pk, created.album_id)
    return record


def album_record_send_again(*, user: AbstractBaseUser, record: AlbumRecord) -> AlbumRecord:
    """A new attempt at a record that a check proved absent (see reconcile.py); only ever on request.

    Returns the new record (the same one when it was already sent again), or raises PortalError.
    """
    if not record.can_send_again:
        if record.next_attempt is not None:
            return record.next_attempt
        raise PortalError("Only an attempt that AdultWork is known never to have received can be sent again.")
    if record.aw_user_id != record.acting_aw_user_id:
        raise PortalError("Sending an attempt for a group member again is not possible from this page.")
    try:
        pin_number = secret_decrypt(record.pin_number_encrypted) if record.has_pin else ""
    except SecretDecryptionError:
        raise PortalError("This attempt's PIN can no longer be read by the portal; create the album anew.") from None
    record_connection(user=user, record=record, to="send it again")
    return album_create(
        user=user,
        name=record.name,
        description=record.description,
        pin_number=pin_number,
        pin_price=record.pin_price,
        submission_key=uuid.uuid5(SEND_AGAIN_NAMESPACE, str(record.submission_key)),
        retry_of=record,
    )
