"""Settling an attempt whose outcome is unknown by reading AdultWork's album list: never by guessing,
never by sending again on the portal's own initiative.

The rule:
- An attempt is unknown when its request may have been processed (a timeout or dropped connection
  after sending, 500/502/504, an unreadable success), or when it is still pending long after any
  answer could have come (the process handling it died). It is settled by reading the account's
  albums (GetAlbums; the Groups twin for a member) and looking for the album it tried to create:
  the AlbumName and AlbumDescription it sent, under an AlbumID that no other record holds.
  GetAlbums tells nothing about when an album was made and AlbumIDs are not documented to grow,
  so nothing else can narrow the match.
- Exactly one such album: the attempt created it, and the record takes its fields. Any check may
  find it, the automatic one included.
- Several: the portal cannot tell which is this attempt's; it names them and changes nothing.
- None: proof that nothing was created only when (1) the user asked for the check, and (2) the check
  started at least AW_OUTCOME_SETTLE_SECONDS (5 minutes by default) after the portal stopped
  waiting for the answer. A request that timed out can still be queued or running at AdultWork, so
  a check right after the timeout can come before the album does (the stand-in's "late" fault does
  exactly that). Servers and proxies in front of an ASP.NET API give up on a request within about
  two minutes (ASP.NET's executionTimeout is 110 s), so an album missing five minutes later will not
  appear. The one automatic check, made right after an unknown outcome, can find the album but never
  proves it absent, whatever the settings say.
- Only once absence is proven does the record page offer "Send again", and only the user can press
  it (albums.album_record_send_again): a new attempt, linked to this one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from .. import adultwork as aw
from ..errors import PortalError, check_error_from
from ..models import AlbumRecord
from .connections import connection_call_api
from .records import (
    album_record_connection_get,
    album_record_mark_absent,
    album_record_mark_checked,
    album_record_mark_created,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckOutcome:
    record: AlbumRecord
    message: str


def _is_the_album_sent(album: aw.PictureAlbum, record: AlbumRecord) -> bool:
    return album.album_name == record.name and (album.album_description or "") == record.description


def _same_album_in_flight(record: AlbumRecord) -> bool:
    twins = AlbumRecord.objects.filter(
        aw_user_id=record.aw_user_id, name=record.name, description=record.description, status=AlbumRecord.Status.PENDING
    ).exclude(pk=record.pk)
    return any(not twin.can_check for twin in twins)


def _local(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j M Y H:i")


@transaction.atomic
def _settle(
    *, record_pk: int, albums: list[aw.PictureAlbum], checked_at: datetime, may_prove_absence: bool
) -> CheckOutcome:
    # Locked, so two checks of one record (a double click) settle it once.
    record = AlbumRecord.objects.select_for_update().get(pk=record_pk)
    if not record.can_check:
        return CheckOutcome(record, "This attempt's outcome was already settled.")
    held = set(
        AlbumRecord.objects.filter(aw_user_id=record.aw_user_id, album_id__in=[a.album_id for a in albums])
        .exclude(pk=record.pk)
        .values_list("album_id", flat=True)
    )
    matches = [album for album in albums if album.album_id not in held and _is_the_album_sent(album, record)]
    if matches and _same_album_in_flight(record):
        album_record_mark_checked(record=record, checked_at=checked_at)
        return CheckOutcome(
            record,
            "Another attempt with the same name and description is still waiting for AdultWork's answer, "
            "and the album found may be its own. Check again in a minute.",
        )
    if len(matches) == 1:
        album_record_mark_created(record=record, album=matches[0], checked_at=checked_at)
        logger.info("Album record %s settled by a check: created AlbumID %s", record.pk, record.album_id)
        return CheckOutcome(record, f"AdultWork has this album: AlbumID {record.album_id}. It was created.")
    if matches:
        album_record_mark_checked(record=record, checked_at=checked_at)
        ids = ", ".join(str(album.album_id) for album in matches)
        return CheckOutcome(
            record,
            f"Several albums on AdultWork match this attempt (AlbumIDs {ids}), so the portal cannot tell "
            "which one it created. Nothing was changed and nothing will be sent again; look at them on "
            "AdultWork.",
        )
    if not may_prove_absence:
        album_record_mark_checked(record=record, checked_at=checked_at)
        return CheckOutcome(
            record,
            "AdultWork does not list this album yet. A request that timed out can still arrive, so check "
            f"again from {_local(record.absence_provable_from)} to be sure before sending it again.",
        )
    album_record_mark_absent(record=record, checked_at=checked_at)
    logger.info("Album record %s settled by a check: confirmed absent", record.pk)
    return CheckOutcome(record, "AdultWork has no such album: nothing was created. You can send it again.")


def album_record_check(*, user: AbstractBaseUser, record: AlbumRecord, by_user: bool = True) -> CheckOutcome:
    """Read AdultWork's album list to settle `record`. Reads only: it never creates anything.

    `by_user` is False for the automatic check right after an unknown outcome, which never proves
    absence. Raises PortalError when the list cannot be read; the record is then left as it was.
    """
    if not record.can_check:
        return CheckOutcome(record, "This attempt's outcome is already known.")
    connection = album_record_connection_get(user=user, record=record, to="check it")
    for_member = record.aw_user_id != record.acting_aw_user_id
    # The list shows AdultWork as it was at some moment after this one, so this is the time that counts.
    checked_at = timezone.now()
    try:
        albums = connection_call_api(
            connection=connection,
            call=lambda client: client.albums_list(user_id=record.aw_user_id, for_member=for_member),
        )
    except aw.AdultWorkError as exc:
        logger.info("Album record %s could not be checked: %s", record.pk, type(exc).__name__)
        raise check_error_from(exc) from None
    try:
        return _settle(
            record_pk=record.pk,
            albums=albums,
            checked_at=checked_at,
            may_prove_absence=by_user and checked_at >= record.absence_provable_from,
        )
    except IntegrityError:  # a concurrent check of another record took the same album first
        raise PortalError("Another record was settled with this album at the same moment. Check again.") from None


def album_record_check_after_unknown(*, user: AbstractBaseUser, record: AlbumRecord) -> bool:
    """The one automatic check right after an unknown outcome. True when it found the album."""
    try:
        outcome = album_record_check(user=user, record=record, by_user=False)
    except PortalError:
        return False
    record.refresh_from_db()
    return outcome.record.status == AlbumRecord.Status.CREATED
