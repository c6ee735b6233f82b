"""The Gallery: the albums AdultWork holds for an account, read live, beside what the portal knows of them."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from .. import adultwork as aw
from ..errors import PortalError, gallery_error_from
from ..models import AlbumRecord, Connection, Member
from ..selectors import album_record_visible, connection_get, member_actable_by
from .connections import connection_call_api


@dataclass(frozen=True)
class GalleryAlbum:
    album: aw.PictureAlbum
    record: AlbumRecord | None  # the portal's record that created it, when the user may see one

    @property
    def picture_count(self) -> int:
        """AlbumSize when AdultWork gives it, else the PictureIDs counted."""
        if self.album.album_size is not None:
            return self.album.album_size
        return len([part for part in (self.album.picture_ids or "").split(",") if part.strip()])


@dataclass(frozen=True)
class Gallery:
    aw_user_id: int
    member: Member | None
    albums: list[GalleryAlbum]


def _account(*, user: AbstractBaseUser, member_user_id: int | None) -> tuple[Connection, Member | None]:
    """The connection to read through: the user's own, or the agency's for a member they may act for."""
    if member_user_id is None:
        connection = connection_get(user=user)
        if connection is None:
            raise PortalError("Connect your AdultWork account to see its albums.")
        return connection, None
    member = member_actable_by(user=user, member_user_id=member_user_id)
    if member is None:
        raise PortalError(
            f"You may not see the albums of AdultWork member {member_user_id}: they are not a current member "
            "of a group whose manager's connection you may use."
        )
    return member.connection, member


def gallery_read(*, user: AbstractBaseUser, member_user_id: int | None = None) -> Gallery:
    """The account's albums on AdultWork (GetAlbums with their picture IDs; the Groups twin for a member),
    each with the record of the portal's attempt that created it. Reads only; raises PortalError."""
    connection, member = _account(user=user, member_user_id=member_user_id)
    aw_user_id = member.aw_user_id if member else connection.aw_user_id
    try:
        remote = connection_call_api(
            connection=connection,
            call=lambda client: client.albums_list(
                user_id=aw_user_id, for_member=member is not None, with_picture_ids=True
            ),
        )
    except aw.AdultWorkError as exc:
        raise gallery_error_from(exc) from None
    records = {
        record.album_id: record
        for record in album_record_visible(user=user).filter(
            aw_user_id=aw_user_id, album_id__in=[album.album_id for album in remote]
        )
    }
    return Gallery(
        aw_user_id=aw_user_id,
        member=member,
        albums=[GalleryAlbum(album=album, record=records.get(album.album_id)) for album in remote],
    )
