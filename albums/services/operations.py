"""What an operation on an album that exists asks for, beside what a create asks.

Create, edit, remove and add pictures are kinds of one operation: each is a record claimed before
its request leaves (records.album_record_claim), sent outside any transaction (albums.AlbumAttempt),
and settled by the one state machine (records.py), through a read when its outcome is unknown
(reconcile.py). An edit sends a whole album definition, like a create; the others send none, and the
record keeps the album's name for the history.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import adultwork as aw
from ..models import AlbumRecord, PictureUpload

Kind = AlbumRecord.Kind


@dataclass(frozen=True)
class AlbumOperation:
    kind: str
    # The album as AdultWork listed it when the operation was asked for: an unknown outcome is settled
    # by how the album differs from this (AddPictures' batches use their upload's known PictureIDs).
    shown: aw.PictureAlbum
    remove_pictures: bool = False
    pictures: tuple[aw.PictureInput, ...] = field(default=(), repr=False)
    picture_upload: PictureUpload | None = None


def operation_request(
    client: aw.AdultWorkClient,
    *,
    album: aw.AlbumInput,
    operation: AlbumOperation | None,
    member_id: int | None,
) -> aw.PictureAlbum | list[int] | None:
    """The one request of an operation: CreateAlbum, UpdateAlbum, RemoveAlbum or AddPictures (or its
    Groups twin for `member_id`). Raises the client's typed exceptions."""
    if operation is None:
        return client.album_create(album=album, member_id=member_id)
    album_id = operation.shown.album_id
    if operation.kind == Kind.EDIT:
        return client.album_update(album_id=album_id, album=album, member_id=member_id)
    if operation.kind == Kind.REMOVE:
        client.album_remove(album_id=album_id, remove_pictures=operation.remove_pictures, member_id=member_id)
        return None
    return client.pictures_add(album_id=album_id, pictures=list(operation.pictures), member_id=member_id)
