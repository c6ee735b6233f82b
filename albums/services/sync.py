"""Refreshing the history from AdultWork, so that it matches what is really there."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from .. import adultwork as aw
from ..errors import PortalError, portal_error_from
from ..models import AlbumRecord
from ..selectors import connection_get
from .connections import connection_call_api


@dataclass
class SyncResult:
    aw_user_id: int
    remote_count: int
    missing: list[AlbumRecord] = field(default_factory=list)
    back: list[AlbumRecord] = field(default_factory=list)
    not_from_portal: list[aw.PictureAlbum] = field(default_factory=list)


def album_records_sync(*, user: AbstractBaseUser) -> SyncResult:
    """Read the account's albums from AdultWork; mark the user's created records that are gone (or
    back), and list the albums the portal never created. Reads only: nothing is sent but a GET."""
    connection = connection_get(user=user)
    if connection is None:
        raise PortalError("Connect your AdultWork account to refresh from AdultWork.")
    aw_user_id = connection.aw_user_id
    try:
        remote = connection_call_api(
            connection=connection, call=lambda client: client.albums_list(user_id=aw_user_id)
        )
    except aw.AdultWorkError as exc:
        raise portal_error_from(exc) from None
    remote_ids = {album.album_id for album in remote}
    result = SyncResult(aw_user_id=aw_user_id, remote_count=len(remote))
    now = timezone.now()
    created = AlbumRecord.objects.filter(
        created_by=user, aw_user_id=aw_user_id, status=AlbumRecord.Status.CREATED
    )
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
