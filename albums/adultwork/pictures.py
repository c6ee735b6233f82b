"""AddPictures' request and answer, kept apart from the album calls.

[assumed] each picture goes as base64 JPEG in `Image`, and the answer lists the new PictureIDs; read
tolerantly: a JSON array (of numbers or numeric strings), DataContract XML `<ArrayOfint>`, an object
with `PictureIDs` (an array or a comma-separated string), or a comma-separated string.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .parsing import UnreadableBody
from .types import _get


@dataclass(frozen=True)
class PictureInput:
    """One picture, already prepared by the portal (albums/pictures.py): JPEG bytes with no metadata."""

    title: str
    description: str
    jpeg: bytes

    def __repr__(self) -> str:  # never print a picture's bytes into a log
        return f"<PictureInput {self.title!r} {len(self.jpeg)} bytes>"

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if self.title:
            body["Title"] = self.title
        if self.description:
            body["Description"] = self.description
        body["Image"] = base64.b64encode(self.jpeg).decode("ascii")
        return body


def added_picture_ids(data: Any) -> list[int]:
    """The new PictureIDs from AddPictures' answer."""
    if isinstance(data, Mapping):
        found = _get(data, "PictureIDs")
        if found is None:
            raise UnreadableBody("PictureIDs is missing")
        data = found
    if isinstance(data, str):
        data = [part for part in data.split(",") if part.strip()]
    if not isinstance(data, list):
        raise UnreadableBody("the new picture ids are not a list")
    ids = []
    for item in data:
        if isinstance(item, bool) or not isinstance(item, (int, str)) or not str(item).strip().isdigit():
            raise UnreadableBody("a new picture id is not a number")
        ids.append(int(item))
    return ids
