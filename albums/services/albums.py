"""Creating albums: claim a history record, call AdultWork once, record what came of it.

Every album goes the same way, whether for oneself, for one group member or as part of a bulk job:
`album_target_resolve` decides who it is for (and refuses a member the user may not act for), then
`album_attempt_begin` claims the record and gets a token, `AlbumAttempt.send` makes the request
(no database), `album_attempt_reauthorise` gives a refused token one refresh, and
`album_attempt_finish` records the outcome. `album_create` runs them in a row; bulk jobs run the
sends concurrently. Every write of the record's state goes through records.py, the one state machine.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field, replace

from django.contrib.auth.models import AbstractBaseUser

from .. import adultwork as aw
from ..crypto import SecretDecryptionError
from ..errors import PortalError, portal_error_from
from ..models import AlbumRecord, BulkJob, Connection, Member
from ..selectors import connection_get, member_actable_by, members_actable
from .clients import aw_client
from .connections import connection_access_token, connection_token_replace
from .definitions import album_definition_input
from .operations import AlbumOperation, operation_request
from .reconcile import album_record_check_after_unknown
from .records import (
    album_record_claim,
    album_record_connection_get,
    album_record_mark_answered,
    album_record_mark_created,
    album_record_mark_failed,
    album_record_mark_unknown,
)

logger = logging.getLogger(__name__)

# Sending a record again uses a key derived from the record's own, so pressing the button twice sends once.
SEND_AGAIN_NAMESPACE = uuid.UUID("0b6f1f7e-3c55-4d4b-9d55-5f2b8e0c7a11")


@dataclass(frozen=True)
class AlbumTarget:
    """The account an album is for, and the connection that sends it: the user's own, or, for a group
    member, the manager connection the roster entry belongs to."""

    connection: Connection
    member: Member | None = None

    @property
    def aw_user_id(self) -> int:
        return self.member.aw_user_id if self.member else self.connection.aw_user_id


def _member_refused(member_user_id: int, *, to: str = "create albums") -> PortalError:
    return PortalError(
        f"You may not {to} for AdultWork member {member_user_id}: they are not a current "
        "member of a group whose manager's connection you may use. Nothing was sent."
    )


def _target_checked(target: AlbumTarget, user: AbstractBaseUser, *, doing: str = "creating albums") -> AlbumTarget:
    """The target, once its connection may write albums at all."""
    if "profile_gallery" not in target.connection.scope_set:
        if target.connection.user_id != user.pk:
            raise PortalError(
                "The group manager's AdultWork connection was not granted the profile_gallery permission, "
                f"which {doing} needs. Nothing was sent. The manager must connect again and allow it."
            )
        raise PortalError(
            f"Your AdultWork connection was not granted the profile_gallery permission, which {doing} "
            "needs. Nothing was sent. Connect again and allow it.",
            code=PortalError.RECONNECT,
        )
    return target


def album_target_resolve(
    *,
    user: AbstractBaseUser,
    member_user_id: int | None = None,
    connection: Connection | None = None,
    to: str = "create albums",
    doing: str = "creating albums",
) -> AlbumTarget:
    """Whose albums `user` writes to (`to` and `doing` say how, for messages); raises PortalError,
    before anything is recorded or sent, when they may not.

    `connection` pins a member to one manager connection (bulk jobs act through one).
    """
    if member_user_id is None:
        own = connection_get(user=user)
        if own is None:
            raise PortalError(f"Connect your AdultWork account before {doing}.")
        return _target_checked(AlbumTarget(connection=own), user, doing=doing)
    member = member_actable_by(user=user, member_user_id=member_user_id, connection=connection)
    if member is None:
        raise _member_refused(member_user_id, to=to)
    return _target_checked(AlbumTarget(connection=member.connection, member=member), user, doing=doing)


def album_targets_resolve(
    *, user: AbstractBaseUser, member_user_ids: list[int], connection: Connection
) -> dict[int, AlbumTarget | PortalError]:
    """album_target_resolve for creating albums for many members of one manager connection, in one query
    (bulk jobs): each member's target, or why the user may not create for them."""
    members = {m.aw_user_id: m for m in members_actable(user=user, connection=connection).filter(aw_user_id__in=member_user_ids)}
    targets: dict[int, AlbumTarget | PortalError] = {}
    for member_user_id in member_user_ids:
        member = members.get(member_user_id)
        try:
            if member is None:
                raise _member_refused(member_user_id)
            targets[member_user_id] = _target_checked(AlbumTarget(connection=member.connection, member=member), user)
        except PortalError as error:
            targets[member_user_id] = error
    return targets


@dataclass(frozen=True)
class AlbumAttempt:
    """A claimed record with everything its request needs."""

    user: AbstractBaseUser
    record: AlbumRecord
    album: aw.AlbumInput
    connection: Connection
    access_token: str = field(repr=False)
    member_id: int | None
    reauthorised: bool = False
    operation: AlbumOperation | None = None  # None for a create

    def send(self) -> aw.PictureAlbum | list[int] | None | aw.AdultWorkError:
        """Make the request; the answer or the typed failure. Touches no database, so threads may call it."""
        try:
            return operation_request(
                aw_client(access_token=self.access_token),
                album=self.album,
                operation=self.operation,
                member_id=self.member_id,
            )
        except aw.AdultWorkError as exc:
            return exc


def _record_refused(record: AlbumRecord, error: PortalError) -> PortalError:
    """Close the record as failed by something the portal found before AdultWork could do anything."""
    album_record_mark_failed(record=record, message=error.describe())
    error.record = record
    return error


def album_attempt_begin(
    *,
    user: AbstractBaseUser,
    target: AlbumTarget,
    album: aw.AlbumInput,
    submission_key: uuid.UUID,
    bulk_job: BulkJob | None = None,
    retry_of: AlbumRecord | None = None,
    operation: AlbumOperation | None = None,
) -> tuple[AlbumRecord, AlbumAttempt | None]:
    """Claim the record; the attempt to send, or None when this submission was already made.

    Raises PortalError (carrying the failed record) when the connection has no usable token.
    """
    record, claimed = album_record_claim(
        user=user,
        submission_key=submission_key,
        connection=target.connection,
        member=target.member,
        album=album,
        bulk_job=bulk_job,
        retry_of=retry_of,
        operation=operation,
    )
    if not claimed:
        return record, None
    try:
        token = connection_access_token(connection=target.connection)
    except PortalError as error:  # no working token: nothing was sent
        raise _record_refused(record, error) from None
    member_id = target.member.aw_user_id if target.member else None
    return record, AlbumAttempt(
        user=user,
        record=record,
        album=album,
        connection=target.connection,
        access_token=token,
        member_id=member_id,
        operation=operation,
    )


def album_attempt_reauthorise(attempt: AlbumAttempt) -> AlbumAttempt | None:
    """After a 401 (AdultWork did nothing): the attempt again with a refreshed token, or None when there
    is nothing to try (a second 401, or a pasted token, whose connection now needs reconnecting).

    Raises PortalError, recording the failure, when the refresh itself fails.
    """
    if attempt.reauthorised:
        return None
    try:
        token = connection_token_replace(connection=attempt.connection, token=attempt.access_token)
    except PortalError as error:
        raise _record_refused(attempt.record, error) from None
    return None if token is None else replace(attempt, access_token=token, reauthorised=True)


def album_attempt_finish(
    attempt: AlbumAttempt, outcome: aw.PictureAlbum | list[int] | None | aw.AdultWorkError
) -> AlbumRecord:
    """Record what the request came to; raises PortalError (carrying the record) when it failed.

    After an unknown outcome, AdultWork's album list is read once: finding the album settles it.
    """
    record = attempt.record
    if isinstance(outcome, aw.AdultWorkError):
        error = portal_error_from(outcome, creating=record.kind == AlbumRecord.Kind.CREATE)
        unknown = isinstance(outcome, aw.OutcomeUnknown)
        if unknown:
            album_record_mark_unknown(record=record, message=error.describe())
        else:
            album_record_mark_failed(record=record, message=error.describe())
        logger.info("Album record %s %s: %s", record.pk, record.status, type(outcome).__name__)
        if unknown and album_record_check_after_unknown(user=attempt.user, record=record):
            return record
        error.record = record
        raise error
    if isinstance(outcome, list):  # AddPictures: the new PictureIDs
        album_record_mark_created(record=record, album=None, picture_ids=outcome)
    else:  # CreateAlbum's or UpdateAlbum's album; nothing for RemoveAlbum
        album_record_mark_answered(record=record, album=outcome)
    if record.status == AlbumRecord.Status.CREATED:
        logger.info("Album record %s (%s) done: AlbumID %s", record.pk, record.kind, record.album_id)
        return record
    if album_record_check_after_unknown(user=attempt.user, record=record):
        return record
    raise PortalError(record.error_message, record=record)


def album_create(
    *,
    user: AbstractBaseUser,
    member_user_id: int | None = None,
    album: aw.AlbumInput,
    submission_key: uuid.UUID,
) -> AlbumRecord:
    """Create an album on the user's own AdultWork account, or, with `member_user_id`, for a group member
    through the manager connection the user may act through.

    Returns the record (the earlier one when this submission was already made), or raises
    PortalError, carrying the record of a failed attempt when there was one.
    """
    return _album_send(user=user, member_user_id=member_user_id, album=album, submission_key=submission_key)


def _album_send(
    *,
    user: AbstractBaseUser,
    member_user_id: int | None,
    album: aw.AlbumInput,
    submission_key: uuid.UUID,
    retry_of: AlbumRecord | None = None,
) -> AlbumRecord:
    """album_create's steps in a row; `retry_of` is the attempt, proven absent, that this one sends again."""
    target = album_target_resolve(user=user, member_user_id=member_user_id)
    return album_operation_run(user=user, target=target, album=album, submission_key=submission_key, retry_of=retry_of)


def album_operation_run(
    *,
    user: AbstractBaseUser,
    target: AlbumTarget,
    album: aw.AlbumInput,
    submission_key: uuid.UUID,
    retry_of: AlbumRecord | None = None,
    operation: AlbumOperation | None = None,
) -> AlbumRecord:
    """Claim, send (with one token refresh after a 401), record the outcome: one operation of any kind.

    Returns the record (the earlier one when this submission was already made), or raises PortalError
    carrying the record of a failed or unknown attempt."""
    record, attempt = album_attempt_begin(
        user=user, target=target, album=album, submission_key=submission_key, retry_of=retry_of, operation=operation
    )
    if attempt is None:
        return record
    outcome = attempt.send()
    if isinstance(outcome, aw.NotAuthorised) and (again := album_attempt_reauthorise(attempt)):
        outcome = again.send()
    return album_attempt_finish(attempt, outcome)


def album_record_send_again(*, user: AbstractBaseUser, record: AlbumRecord) -> AlbumRecord:
    """A new attempt at a record that a check proved absent (see reconcile.py); only ever on request.

    Returns the new record (the same one when it was already sent again), or raises PortalError.
    """
    if not record.can_send_again:
        if record.next_attempt is not None:
            return record.next_attempt
        raise PortalError("Only an attempt that AdultWork is known never to have received can be sent again.")
    try:
        album = album_definition_input(definition=record)
    except SecretDecryptionError:
        raise PortalError("This attempt's PIN can no longer be read by the portal; create the album anew.") from None
    album_record_connection_get(user=user, record=record, to="send it again")
    return _album_send(
        user=user,
        member_user_id=record.aw_user_id if record.for_member else None,
        album=album,
        submission_key=uuid.uuid5(SEND_AGAIN_NAMESPACE, str(record.submission_key)),
        retry_of=record,
    )
