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

The other kinds of operation are settled by the same rule, each by what its request would change in
the list, compared with the album as it was listed when the operation was claimed:
- an edit went through when the album shows the name and description it sent, and did not once it
  shows others; an edit that changed neither (only the PIN or its price, which GetAlbums does not
  show) cannot be settled by a read at all, and says so: editing again is harmless, as it sets the
  same values;
- a removal went through when the album is gone, and did not while it is still listed;
- a batch of pictures went through when the album lists exactly as many new PictureIDs (beyond those
  its upload knew before it) as the batch had, and did not when it lists none; any other count is
  somebody else's doing too, and is left to the user.
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
Kind = AlbumRecord.Kind


@dataclass(frozen=True)
class CheckOutcome:
    record: AlbumRecord
    message: str


def _is_the_album_sent(album: aw.PictureAlbum, record: AlbumRecord) -> bool:
    return album.album_name == record.name and (album.album_description or "") == record.description


def _same_album_in_flight(record: AlbumRecord) -> bool:
    twins = AlbumRecord.objects.filter(
        kind=Kind.CREATE,
        aw_user_id=record.aw_user_id,
        name=record.name,
        description=record.description,
        status=AlbumRecord.Status.PENDING,
    ).exclude(pk=record.pk)
    return any(not twin.can_check for twin in twins)


def _local(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j M Y H:i")


@dataclass(frozen=True)
class _Verdict:
    """What the album list says of one operation: FOUND (it went through), ABSENT (it did not, as far
    as the list shows now) or UNCLEAR (the list cannot tell; `message` says why)."""

    FOUND = "found"
    ABSENT = "absent"
    UNCLEAR = "unclear"

    outcome: str
    album: aw.PictureAlbum | None = None
    picture_ids: list[int] | None = None
    message: str = ""


def _create_verdict(record: AlbumRecord, albums: list[aw.PictureAlbum]) -> _Verdict:
    held = set(
        AlbumRecord.objects.filter(
            kind=Kind.CREATE, aw_user_id=record.aw_user_id, album_id__in=[a.album_id for a in albums]
        )
        .exclude(pk=record.pk)
        .values_list("album_id", flat=True)
    )
    matches = [album for album in albums if album.album_id not in held and _is_the_album_sent(album, record)]
    if matches and _same_album_in_flight(record):
        return _Verdict(
            _Verdict.UNCLEAR,
            message="Another attempt with the same name and description is still waiting for AdultWork's "
            "answer, and the album found may be its own. Check again in a minute.",
        )
    if len(matches) > 1:
        ids = ", ".join(str(album.album_id) for album in matches)
        return _Verdict(
            _Verdict.UNCLEAR,
            message=f"Several albums on AdultWork match this attempt (AlbumIDs {ids}), so the portal cannot "
            "tell which one it created. Nothing was changed and nothing will be sent again; look at them on "
            "AdultWork.",
        )
    return _Verdict(_Verdict.FOUND, album=matches[0]) if matches else _Verdict(_Verdict.ABSENT)


def _edit_verdict(record: AlbumRecord, album: aw.PictureAlbum | None) -> _Verdict:
    if album is None:
        return _Verdict(_Verdict.UNCLEAR, message="AdultWork no longer lists this album, so this edit cannot be checked.")
    # At the claim the record kept the album as listed then (album_name, album_description).
    if (record.name, record.description) == (record.album_name, record.album_description):
        return _Verdict(
            _Verdict.UNCLEAR,
            message="This edit changed neither the name nor the description, and AdultWork's album list does "
            "not show a PIN or its price, so reading it cannot tell whether the edit went through. Editing the "
            "album again is harmless: it sets the same values.",
        )
    return _Verdict(_Verdict.FOUND, album=album) if _is_the_album_sent(album, record) else _Verdict(_Verdict.ABSENT)


def _pictures_verdict(record: AlbumRecord, album: aw.PictureAlbum | None) -> _Verdict:
    if album is None:
        return _Verdict(_Verdict.UNCLEAR, message="AdultWork no longer lists this album, so these pictures cannot be checked.")
    known = set(_ids(record.picture_upload.known_picture_ids))
    new = [picture_id for picture_id in _ids(album.picture_ids or "") if picture_id not in known]
    sent = record.pictures.count()
    if len(new) == sent:
        return _Verdict(_Verdict.FOUND, picture_ids=new)
    if not new:
        return _Verdict(_Verdict.ABSENT)
    return _Verdict(
        _Verdict.UNCLEAR,
        message=f"AdultWork lists {len(new)} new picture(s) in the album where this batch had {sent}, so the "
        "portal cannot tell what became of it. Nothing will be sent again automatically; look at the album on "
        "AdultWork.",
    )


def _ids(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip().isdigit()]


def _verdict(record: AlbumRecord, albums: list[aw.PictureAlbum]) -> _Verdict:
    if record.kind == Kind.CREATE:
        return _create_verdict(record, albums)
    album = next((a for a in albums if a.album_id == record.album_id), None)
    if record.kind == Kind.EDIT:
        return _edit_verdict(record, album)
    if record.kind == Kind.REMOVE:
        return _Verdict(_Verdict.ABSENT) if album is not None else _Verdict(_Verdict.FOUND)
    return _pictures_verdict(record, album)


# What a check says when it settles an operation: (it went through, it did not).
SETTLED = {
    Kind.CREATE: (
        "AdultWork has this album: AlbumID {album_id}. It was created.",
        "AdultWork has no such album: nothing was created. You can send it again.",
    ),
    Kind.EDIT: (
        "AdultWork shows the album as this edit left it: the edit went through.",
        "AdultWork shows the album without this edit: it did not go through. Edit the album again if you still want it.",
    ),
    Kind.REMOVE: (
        "AdultWork no longer lists the album: it was removed.",
        "AdultWork still lists the album: it was not removed. Remove it again if you still want to.",
    ),
    Kind.ADD_PICTURES: (
        "AdultWork lists this batch's pictures in the album: they were added.",
        "AdultWork lists none of this batch's pictures: they were not added, and can be sent again.",
    ),
}


@transaction.atomic
def _settle(
    *, record_pk: int, albums: list[aw.PictureAlbum], checked_at: datetime, may_prove_absence: bool
) -> CheckOutcome:
    # Locked, so two checks of one record (a double click) settle it once.
    record = AlbumRecord.objects.select_for_update().get(pk=record_pk)
    if not record.can_check:
        return CheckOutcome(record, "This attempt's outcome was already settled.")
    verdict = _verdict(record, albums)
    went_through, did_not = SETTLED[record.kind]
    if verdict.outcome == _Verdict.FOUND:
        album_record_mark_created(
            record=record, album=verdict.album, checked_at=checked_at, picture_ids=verdict.picture_ids
        )
        album_record_removed_mark(record=record)
        logger.info("Album record %s (%s) settled by a check: done", record.pk, record.kind)
        return CheckOutcome(record, went_through.format(album_id=record.album_id))
    if verdict.outcome == _Verdict.UNCLEAR:
        album_record_mark_checked(record=record, checked_at=checked_at)
        return CheckOutcome(record, verdict.message)
    if not may_prove_absence:
        album_record_mark_checked(record=record, checked_at=checked_at)
        what = "list this album" if record.kind == Kind.CREATE else "show this change"
        return CheckOutcome(
            record,
            f"AdultWork does not {what} yet. A request that timed out can still arrive, so check again from "
            f"{_local(record.absence_provable_from)} to be sure before sending it again.",
        )
    album_record_mark_absent(record=record, checked_at=checked_at)
    logger.info("Album record %s (%s) settled by a check: confirmed absent", record.pk, record.kind)
    return CheckOutcome(record, did_not)


def album_record_removed_mark(*, record: AlbumRecord) -> None:
    """After a removal went through (answered, or settled by a check): the create that made the album
    shows it gone, as a refresh from AdultWork would."""
    if record.kind != Kind.REMOVE or record.status != AlbumRecord.Status.CREATED:
        return
    AlbumRecord.objects.filter(
        kind=Kind.CREATE, aw_user_id=record.aw_user_id, album_id=record.album_id, remote_missing_since__isnull=True
    ).update(remote_missing_since=record.completed_at or timezone.now())


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
            call=lambda client: client.albums_list(
                user_id=record.aw_user_id, for_member=for_member, with_picture_ids=record.kind == Kind.ADD_PICTURES
            ),
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
