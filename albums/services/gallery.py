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
    # Whether it has a PIN, as the portal last set it (create or edit); None when the portal never did.
    # GetAlbums does not say.
    has_pin: bool | None = None

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


def _albums_read(connection: Connection, member: Member | None) -> list[aw.PictureAlbum]:
    aw_user_id = member.aw_user_id if member else connection.aw_user_id
    try:
        return connection_call_api(
            connection=connection,
            call=lambda client: client.albums_list(
                user_id=aw_user_id, for_member=member is not None, with_picture_ids=True
            ),
        )
    except aw.AdultWorkError as exc:
        raise gallery_error_from(exc) from None


def gallery_read(*, user: AbstractBaseUser, member_user_id: int | None = None) -> Gallery:
    """The account's albums on AdultWork (GetAlbums with their picture IDs; the Groups twin for a member),
    each with the record of the portal's attempt that created it. Reads only; raises PortalError."""
    connection, member = _account(user=user, member_user_id=member_user_id)
    aw_user_id = member.aw_user_id if member else connection.aw_user_id
    remote = _albums_read(connection, member)
    records = {
        record.album_id: record
        for record in album_record_visible(user=user).filter(
            kind=AlbumRecord.Kind.CREATE, aw_user_id=aw_user_id, album_id__in=[album.album_id for album in remote]
        )
    }
    definitions = {
        record.album_id: record.has_pin  # oldest first, so the last create or edit wins
        for record in AlbumRecord.objects.filter(
            aw_user_id=aw_user_id,
            album_id__in=[album.album_id for album in remote],
            kind__in=[AlbumRecord.Kind.CREATE, AlbumRecord.Kind.EDIT],
            status=AlbumRecord.Status.CREATED,
        )
        .only("album_id", "pin_number_encrypted")
        .order_by("created_at", "id")
    }
    return Gallery(
        aw_user_id=aw_user_id,
        member=member,
        albums=[
            GalleryAlbum(album=album, record=records.get(album.album_id), has_pin=definitions.get(album.album_id))
            for album in remote
        ],
    )


@dataclass(frozen=True)
class GalleryAlbumFound:
    """One album as AdultWork lists it now, with the connection (and member) to act on it through."""

    album: aw.PictureAlbum
    connection: Connection
    member: Member | None

    @property
    def aw_user_id(self) -> int:
        """Whose album it is, as the portal asked (never the UserID AdultWork's answer carries)."""
        return self.member.aw_user_id if self.member else self.connection.aw_user_id


def album_listed(*, connection: Connection, member: Member | None, album_id: int) -> aw.PictureAlbum:
    """The album as AdultWork lists it now; raises PortalError when it does not (any more)."""
    found = next((album for album in _albums_read(connection, member) if album.album_id == album_id), None)
    if found is None:
        raise PortalError(f"AdultWork lists no album {album_id} for this account: it may have been removed.")
    return found


def gallery_album_get(*, user: AbstractBaseUser, album_id: int, member_user_id: int | None = None) -> GalleryAlbumFound:
    """One album of the account, read now: what an edit, a removal or new pictures start from.
    Raises PortalError when the user may not act on the account, or AdultWork does not list it."""
    connection, member = _account(user=user, member_user_id=member_user_id)
    return GalleryAlbumFound(
        album=album_listed(connection=connection, member=member, album_id=album_id), connection=connection, member=member
    )
