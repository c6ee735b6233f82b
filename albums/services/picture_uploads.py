"""Adding pictures to an album: prepared when uploaded, kept until the user sends them, then sent in the
background (albums.services.picture_sending) in batches, each batch an operation of its own.

Nothing is stored unless every picture passes: one refused picture refuses the upload, naming the file,
before anything is kept or sent. Only re-encoded JPEGs, with no metadata, are kept, under random names
(albums.services.picture_files), and only until they are sent or the upload is discarded or abandoned.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..errors import PortalError
from ..models import PictureUpload, UploadedPicture
from ..tasks import picture_upload_send_task
from .gallery import GalleryAlbumFound
from .picture_files import picture_batch_delete, picture_batch_prepare, picture_file_read

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PictureChoice:
    """One file as it arrived: on disk, with the name the user's computer gave it."""

    path: str
    file_name: str

    @classmethod
    def of(cls, upload: UploadedFile) -> PictureChoice:
        return cls(path=upload.temporary_file_path(), file_name=upload.name or "picture")


def picture_upload_create(
    *,
    user: AbstractBaseUser,
    found: GalleryAlbumFound,
    choices: Sequence[PictureChoice],
    title: str,
    description: str,
    submission_key: uuid.UUID,
) -> PictureUpload:
    """Prepare every picture and keep them, each with `title` and `description` (editable before sending),
    as an upload not sent yet. The same submission twice gives the first upload. Raises PicturesRefused
    (albums.services.picture_files) when any picture is refused."""
    earlier = PictureUpload.objects.filter(created_by=user, submission_key=submission_key).first()
    if earlier is not None:
        return earlier
    if not choices:
        raise PortalError("Choose at least one picture.")
    # Raises PicturesRefused, naming every refused picture, having kept nothing.
    batch_id, file_ids = picture_batch_prepare(uploads=[(Path(choice.path), choice.file_name) for choice in choices])
    try:
        pictures = [
            UploadedPicture(
                position=position,
                file_name=choice.file_name[:255],
                size_bytes=len(picture_file_read(batch_id=batch_id, picture_id=file_id)),
                file_id=file_id,
                title=title,
                description=description,
            )
            for position, (choice, file_id) in enumerate(zip(choices, file_ids, strict=True))
        ]
        with transaction.atomic():
            upload = PictureUpload.objects.create(
                created_by=user,
                submission_key=submission_key,
                connection=found.connection,
                acting_aw_user_id=found.connection.aw_user_id,
                aw_user_id=found.aw_user_id,
                for_member=found.member is not None,
                member_nickname=found.member.nickname if found.member else "",
                album_id=found.album.album_id,
                album_name=found.album.album_name,
                batch_id=batch_id,
            )
            for picture in pictures:
                picture.upload = upload
            UploadedPicture.objects.bulk_create(pictures)
    except IntegrityError:  # the same form, sent twice at the same moment: keep the first
        picture_batch_delete(batch_id=batch_id)
        return PictureUpload.objects.get(created_by=user, submission_key=submission_key)
    except BaseException:
        picture_batch_delete(batch_id=batch_id)
        raise
    logger.info("Picture upload %s: %s pictures kept for AlbumID %s", upload.pk, len(pictures), upload.album_id)
    return upload


def picture_upload_details_save(*, upload: PictureUpload, details: dict[int, tuple[str, str]]) -> None:
    """Each picture's title and description, by picture pk, while the upload is not sent yet."""
    if upload.status != PictureUpload.Status.DRAFT:
        raise PortalError("These pictures are already on their way; their titles can no longer change.")
    pictures = list(upload.pictures.filter(pk__in=details))
    for picture in pictures:
        picture.title, picture.description = details[picture.pk]
    UploadedPicture.objects.bulk_update(pictures, ["title", "description"])


def picture_upload_discard(*, upload: PictureUpload) -> None:
    """Give up an upload not sent yet, deleting its pictures."""
    changed = PictureUpload.objects.filter(pk=upload.pk, status=PictureUpload.Status.DRAFT).update(
        status=PictureUpload.Status.DISCARDED, finished_at=timezone.now()
    )
    if not changed:
        raise PortalError("These pictures are already on their way and cannot be discarded.")
    picture_batch_delete(batch_id=upload.batch_id)


def picture_upload_queue(*, upload: PictureUpload, details: dict[int, tuple[str, str]]) -> None:
    """Keep each picture's title and description and hand the upload to the worker, once: sending the
    form again (a double click, Back) finds it queued and queues nothing more."""
    with transaction.atomic():
        locked = PictureUpload.objects.select_for_update().get(pk=upload.pk)
        if locked.status != PictureUpload.Status.DRAFT:
            return
        picture_upload_details_save(upload=locked, details=details)
        locked.status = PictureUpload.Status.QUEUED
        locked.save(update_fields=["status"])
        transaction.on_commit(lambda: picture_upload_send_task.enqueue(upload_id=locked.pk))
    logger.info("Picture upload %s queued", upload.pk)
