"""Refreshing the history from AdultWork, so that it matches what is really there."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from .. import adultwork as aw
from ..errors import PortalError, portal_error_from
from ..models import AlbumRecord
from ..selectors import connection_get, member_actable_by
from .connections import connection_call_api


@dataclass
class SyncResult:
    aw_user_id: int
    remote_count: int
    missing: list[AlbumRecord] = field(default_factory=list)
    back: list[AlbumRecord] = field(default_factory=list)
    not_from_portal: list[aw.PictureAlbum] = field(default_factory=list)


def album_records_sync(*, user: AbstractBaseUser, member_user_id: int | None = None) -> SyncResult:
    """Read an account's albums from AdultWork: the user's own, or (with `member_user_id`) a group
    member's through the agency connection the user may act through. Mark the created records of that
    account that are gone (or back), and list the albums the portal never created. Reads only."""
    if member_user_id is None:
        connection = connection_get(user=user)
        if connection is None:
            raise PortalError("Connect your AdultWork account to refresh from AdultWork.")
        records = AlbumRecord.objects.filter(created_by=user, for_member=False, aw_user_id=connection.aw_user_id)
        aw_user_id = connection.aw_user_id
    else:
        member = member_actable_by(user=user, member_user_id=member_user_id)
        if member is None:
            raise PortalError(
                f"You may not read the albums of AdultWork member {member_user_id}: they are not a current "
                "member of a group whose manager's connection you may use."
            )
        connection = member.connection
        records = AlbumRecord.objects.filter(connection=connection, for_member=True, aw_user_id=member_user_id)
        aw_user_id = member_user_id
    try:
        remote = connection_call_api(
            connection=connection,
            call=lambda client: client.albums_list(user_id=aw_user_id, for_member=member_user_id is not None),
        )
    except aw.AdultWorkError as exc:
        raise portal_error_from(exc) from None
    remote_ids = {album.album_id for album in remote}
    result = SyncResult(aw_user_id=aw_user_id, remote_count=len(remote))
    now = timezone.now()
    # The albums the portal made; its edits, removals and pictures name albums too, but made none.
    created = records.filter(kind=AlbumRecord.Kind.CREATE, status=AlbumRecord.Status.CREATED)
    changed = []
    for record in created.only("pk", "name", "album_id", "remote_missing_since"):
        if record.album_id not in remote_ids:
            result.missing.append(record)
            if record.remote_missing_since is None:
                record.remote_missing_since = now
                changed.append(record)
        elif record.remote_missing_since is not None:
            record.remote_missing_since = None
            result.back.append(record)
            changed.append(record)
    AlbumRecord.objects.bulk_update(changed, ["remote_missing_since"])
    known = set(
        AlbumRecord.objects.filter(aw_user_id=aw_user_id, album_id__in=remote_ids).values_list("album_id", flat=True)
    )
    result.not_from_portal = [album for album in remote if album.album_id not in known]
    return result
