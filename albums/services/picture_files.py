"""Re-encoded pictures waiting to be sent, on disk under AW_PICTURE_DIR.

One directory per batch (an upload, and the job that sends it), one file per picture, both named by
random ids: nothing a user typed becomes a path. The directory is outside every static root and no URL
serves it. A batch is deleted when its pictures have been sent, or by `manage.py prune_pictures`
once it is AW_PICTURE_ABANDON_SECONDS old.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings

from albums.pictures import PictureRefused, picture_prepare

_ID = re.compile(r"[0-9a-f]{32}")


class UnknownPictureFile(LookupError):
    """No such batch or picture: never stored, or already sent or pruned."""


class PicturesRefused(Exception):
    """Some of the uploaded pictures cannot be sent; `refusals` names each of them and says why."""

    def __init__(self, refusals: list[PictureRefused]) -> None:
        super().__init__("; ".join(refusal.message for refusal in refusals))
        self.refusals = refusals


def _root() -> Path:
    root = Path(settings.AW_PICTURE_DIR)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


def _batch_dir(batch_id: str) -> Path:
    if not _ID.fullmatch(batch_id):
        raise UnknownPictureFile(f"no picture batch {batch_id!r}")
    return _root() / batch_id


def picture_batch_create() -> str:
    """A new, empty batch; its id is what a job keeps."""
    batch_id = secrets.token_hex(16)
    (_root() / batch_id).mkdir(mode=0o700)
    return batch_id


def picture_batch_prepare(*, uploads: Sequence[tuple[Path, str]]) -> tuple[str, list[str]]:
    """Prepare every upload (its file on disk, its name as the user gave it) and keep the results in a
    new batch: (batch id, picture ids in upload order). Every upload is checked, so that all refused
    ones are named at once; if any is refused, nothing is kept and PicturesRefused lists them.
    One picture is decoded at a time."""
    batch_id = picture_batch_create()
    picture_ids: list[str] = []
    refusals: list[PictureRefused] = []
    try:
        for path, file_name in uploads:
            try:
                prepared = picture_prepare(path=path, file_name=file_name, max_pixels=settings.AW_PICTURE_MAX_PIXELS)
            except PictureRefused as refused:
                refusals.append(refused)
                continue
            if not refusals:
                picture_ids.append(picture_file_save(batch_id=batch_id, jpeg=prepared.jpeg))
    except BaseException:
        picture_batch_delete(batch_id=batch_id)
        raise
    if refusals:
        picture_batch_delete(batch_id=batch_id)
        raise PicturesRefused(refusals)
    return batch_id, picture_ids


def picture_file_save(*, batch_id: str, jpeg: bytes) -> str:
    """Store one prepared picture in the batch and return its id."""
    directory = _batch_dir(batch_id)
    picture_id = secrets.token_hex(16)
    try:
        descriptor = os.open(directory / f"{picture_id}.jpg", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileNotFoundError:
        raise UnknownPictureFile(f"no picture batch {batch_id!r}") from None
    with os.fdopen(descriptor, "wb") as out:
        out.write(jpeg)
    return picture_id


def picture_file_read(*, batch_id: str, picture_id: str) -> bytes:
    if not _ID.fullmatch(picture_id):
        raise UnknownPictureFile(f"no picture {picture_id!r}")
    try:
        return (_batch_dir(batch_id) / f"{picture_id}.jpg").read_bytes()
    except FileNotFoundError:
        raise UnknownPictureFile(f"no picture {picture_id!r} in batch {batch_id!r}") from None


def picture_batch_delete(*, batch_id: str) -> None:
    """Delete the batch and its pictures (once sent, or given up); deleting it twice is harmless."""
    shutil.rmtree(_batch_dir(batch_id), ignore_errors=True)


def picture_batches_prune(*, older_than_seconds: int, now: float | None = None) -> int:
    """Delete batches untouched for `older_than_seconds` (their job was abandoned); returns how many."""
    cutoff = (time.time() if now is None else now) - older_than_seconds
    pruned = 0
    for directory in _root().iterdir():
        if _ID.fullmatch(directory.name) and directory.is_dir() and directory.stat().st_mtime < cutoff:
            shutil.rmtree(directory, ignore_errors=True)
            pruned += 1
    return pruned
