"""AddPictures and its group-manager twin, written from the API's page and our assumptions about it.

[doc] POST /v1/Pictures/AddPictures (twin /v1/Groups/Pictures/AddPictures + UserID), token with
profile_gallery; body AlbumID (the target album) and Pictures, items {Title, Description}.
[assumed] each item carries Image, base64 JPEG (as AddFreePictures' sample shows); the answer is the
list of new picture IDs; an album that is not the user's is refused like one that does not exist.
Nothing is documented about sizes: the limits here are settings of the stand-in.

The JPEG check is by markers alone (SOI first, EOI last, a marker segment after SOI), independently
of any imaging library, and the control API lists each stored picture's segments so a test can see
what metadata arrived.
"""

import base64
import binascii
import re
from typing import Any

from .api import Result, _bearer, _managed_group, _require_scope, endpoint
from .exchange import Request
from .records import Picture
from .render import ARRAYS_NS, HttpError, Many
from .state import State
from .tokens import PROFILE_GALLERY
from .validation import INT32_RANGE, UnreadableBody, is_json_object, read_json_object

TOO_LARGE = "Maximum request length exceeded."
_BASE64 = re.compile(rb"[A-Za-z0-9+/]*={0,2}")
# Segment names for the control API's listing.
_MARKERS = {0xD8: "SOI", 0xD9: "EOI", 0xDA: "SOS", 0xDB: "DQT", 0xC4: "DHT", 0xDD: "DRI", 0xFE: "COM"}
_MARKERS |= {0xE0 + n: f"APP{n}" for n in range(16)}
_MARKERS |= {0xC0 + n: f"SOF{n}" for n in range(16) if n not in (4, 8, 12)}


def _members(value: Any) -> dict[str, tuple[str, Any]] | None:
    return {name.upper(): (name, item) for name, item in value} if is_json_object(value) else None


def jpeg_image(text: Any) -> bytes | str:
    """The picture's bytes, or why it is not a base64 JPEG."""
    if not isinstance(text, str):
        return "The Image field must be a base64 string."
    raw = text.encode("ascii", "replace")
    if len(raw) % 4 or not _BASE64.fullmatch(raw):
        return "The Image field is not valid base64."
    try:
        data = base64.b64decode(raw, validate=True)
    except binascii.Error:
        return "The Image field is not valid base64."
    # SOI, then a marker segment, ..., EOI.
    if len(data) < 6 or data[:3] != b"\xff\xd8\xff" or data[3] in (0x00, 0xFF) or data[-2:] != b"\xff\xd9":
        return "The Image field is not a JPEG picture."
    return data


def jpeg_segments(data: bytes) -> list[str]:
    """Marker names from SOI up to the first SOS (the metadata lives before it)."""
    names, at = ["SOI"], 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        names.append(_MARKERS.get(marker, f"0x{marker:02X}"))
        if marker == 0xDA:
            break
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return names


class _Checker:
    def __init__(self, state: State, members: dict[str, tuple[str, Any]], for_member: bool) -> None:
        self.state = state
        self.members = members
        self.for_member = for_member
        self.errors: dict[str, list[str]] = {}

    def refuse(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def integer(self, field: str) -> int | None:
        sent, value = self.members.get(field.upper(), (field, None))
        if value is None:
            self.refuse(field, f"The {field} field is required.")
        elif type(value) is not int or value not in INT32_RANGE:
            self.refuse(field, f"Error converting value {value!r} to type 'System.Int32'. Path '{sent}'.")
        else:
            return value
        return None

    def pictures(self) -> list[tuple[str | None, str | None, bytes]]:
        _, items = self.members.get("PICTURES", ("Pictures", None))
        if items is None or items == []:
            self.refuse("Pictures", "The Pictures field is required.")
            return []
        if not isinstance(items, list) or is_json_object(items):
            self.refuse("Pictures", "The Pictures field must be an array of pictures.")
            return []
        found = []
        for index, item in enumerate(items):
            found.append(self.picture(f"Pictures[{index}]", _members(item)))
        return [picture for picture in found if picture is not None]

    def picture(self, path: str, item: dict[str, tuple[str, Any]] | None) -> tuple | None:
        if item is None:
            self.refuse(path, "Each picture must be an object with Title, Description and Image.")
            return None
        texts = []
        for field in ("Title", "Description"):
            value = item.get(field.upper(), (field, None))[1]
            if value is not None and not isinstance(value, str):
                self.refuse(f"{path}.{field}", f"The {field} field must be a string.")
            texts.append(value if isinstance(value, str) else None)
        _, image = item.get("IMAGE", ("Image", None))
        if image is None:
            self.refuse(f"{path}.Image", "The Image field is required.")
            return None
        data = jpeg_image(image)
        if isinstance(data, str):
            self.refuse(f"{path}.Image", data)
            return None
        limit = self.state.config.picture_max_bytes
        if len(data) > limit:
            self.refuse(f"{path}.Image", f"The picture is larger than {limit} bytes.")
            return None
        return texts[0], texts[1], data


def add_pictures(state: State, body: bytes, owner: int | None, member_of: set[int] | None) -> tuple[int, Any]:
    """Store the pictures for `owner`, or, for a manager (`member_of` their group's members), for the
    member the body names. Returns (status, value) for the API's renderer."""
    if len(body) > state.config.pictures_max_request_bytes:
        return 413, HttpError(TOO_LARGE)
    try:
        members = read_json_object(body)
    except UnreadableBody:
        return 400, HttpError("The request is invalid.")
    checker = _Checker(state, members, member_of is not None)
    if member_of is not None:
        owner = checker.integer("UserID")
    album_id = checker.integer("AlbumID")
    pictures = checker.pictures()
    if member_of is not None and owner is not None and owner not in member_of:
        return 403, HttpError(f"User {owner} is not a member of your group.")
    album = next((a for a in state.albums if a.album_id == album_id), None) if album_id is not None else None
    if album_id is not None and (album is None or album.user_id != owner):
        checker.refuse("AlbumID", f"Album {album_id} was not found.")
    if checker.errors:
        prefix = state.config.modelstate_prefix
        return 400, HttpError("The request is invalid.", {prefix + f: m for f, m in checker.errors.items()})
    added = [state.add_picture(album, title, description, data) for title, description, data in pictures]
    return 200, Many("int", ARRAYS_NS, [picture.picture_id for picture in added])


@endpoint
def add(state: State, request: Request) -> Result:
    token = _bearer(state, request)
    _require_scope(token, PROFILE_GALLERY)
    return add_pictures(state, request.body, token.user_id, None)


@endpoint
def group_add(state: State, request: Request) -> Result:
    token = _bearer(state, request)
    _require_scope(token, PROFILE_GALLERY)
    return add_pictures(state, request.body, None, _managed_group(state, token).member_ids)


def picture_listing(picture: Picture, with_image: bool) -> dict:
    """What the control API shows of a stored picture."""
    listing = {
        "PictureID": picture.picture_id,
        "AlbumID": picture.album_id,
        "UserID": picture.user_id,
        "Title": picture.title,
        "Description": picture.description,
        "Bytes": len(picture.image),
        "Segments": jpeg_segments(picture.image),
    }
    if with_image:
        listing["Image"] = base64.b64encode(picture.image).decode("ascii")
    return listing
