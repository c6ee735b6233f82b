"""Editing and removing an album that exists: operations like a create, claimed before they are sent,
sent once, settled by the one state machine (records.py), through a read when the answer is lost."""

from __future__ import annotations

import logging
import uuid

from django.contrib.auth.models import AbstractBaseUser

from .. import adultwork as aw
from ..models import AlbumRecord
from .albums import AlbumTarget, album_operation_run, album_target_resolve
from .gallery import album_listed
from .operations import AlbumOperation
from .reconcile import album_record_removed_mark

logger = logging.getLogger(__name__)
Kind = AlbumRecord.Kind


def _target_and_album(
    *, user: AbstractBaseUser, album_id: int, member_user_id: int | None
) -> tuple[AlbumTarget, aw.PictureAlbum]:
    """Who acts, and the album as AdultWork lists it now; PortalError, before anything is recorded or
    sent, when the user may not act for the account or the album is not there."""
    target = album_target_resolve(
        user=user, member_user_id=member_user_id, to="change albums", doing="changing albums"
    )
    return target, album_listed(connection=target.connection, member=target.member, album_id=album_id)


def _earlier(user: AbstractBaseUser, submission_key: uuid.UUID) -> AlbumRecord | None:
    # Looked for before reading the album: the first of a double-clicked Remove has removed it already.
    return AlbumRecord.objects.filter(created_by=user, submission_key=submission_key).first()


def album_edit(
    *,
    user: AbstractBaseUser,
    album_id: int,
    member_user_id: int | None = None,
    album: aw.AlbumInput,
    submission_key: uuid.UUID,
) -> AlbumRecord:
    """UpdateAlbum with every field of `album`. Returns the record (the earlier one when this submission
    was made before), or raises PortalError carrying the record of a failed or unknown attempt."""
    if earlier := _earlier(user, submission_key):
        return earlier
    target, shown = _target_and_album(user=user, album_id=album_id, member_user_id=member_user_id)
    operation = AlbumOperation(kind=Kind.EDIT, shown=shown)
    return album_operation_run(user=user, target=target, album=album, submission_key=submission_key, operation=operation)


def album_remove(
    *,
    user: AbstractBaseUser,
    album_id: int,
    member_user_id: int | None = None,
    remove_pictures: bool,
    submission_key: uuid.UUID,
) -> AlbumRecord:
    """RemoveAlbum (with its pictures when `remove_pictures`). Returns the record, or raises PortalError
    as album_edit does. Once removed, the record of the create that made the album says so."""
    if earlier := _earlier(user, submission_key):
        return earlier
    target, shown = _target_and_album(user=user, album_id=album_id, member_user_id=member_user_id)
    # The record names the album it removed; no PIN is sent, so none is kept.
    named = aw.AlbumInput(name=shown.album_name, description=shown.album_description or "")
    operation = AlbumOperation(kind=Kind.REMOVE, shown=shown, remove_pictures=remove_pictures)
    record = album_operation_run(user=user, target=target, album=named, submission_key=submission_key, operation=operation)
    album_record_removed_mark(record=record)
    return record
