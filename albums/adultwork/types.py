"""The typed results the client returns; built from decoded JSON or XML, which differ only in types.

Any answer may be out of range, so every field is read within bounds. An ID (UserID, AlbumID,
GroupID) that is not an integer .NET could send (Int64) makes the answer unreadable: storing a
guess would be worse than saying so. Text is cleaned and cut to what the portal stores (see
`text_cleaned`); a count out of range is left out. What was cut or left out is said in `notes`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .parsing import UnreadableBody, text_cleaned, text_shown

INT64 = range(-(2**63), 2**63)
_INTEGER_TEXT = re.compile(r"\s*-?[0-9]{1,19}\s*")
# How much of each text field the portal stores (the model fields are this size), in characters.
ALBUM_NAME_MAX_LENGTH = 200
THUMB_URL_MAX_LENGTH = 500
NICKNAME_MAX_LENGTH = 100
GROUP_NAME_MAX_LENGTH = 200
USER_TYPE_MAX_LENGTH = 100
TEXT_MAX_LENGTH = 20_000  # descriptions, PictureIDs: no documented limit, but some limit


def _get(data: Mapping[str, Any], key: str) -> Any:
    """Case-insensitive lookup: ASP.NET serialisers are not consistent about casing."""
    if key in data:
        return data[key]
    lowered = key.lower()
    for name, value in data.items():
        if name.lower() == lowered:
            return value
    return None


def _as_integer(value: Any) -> int | None:
    """An integer in JSON (int, or a Decimal with nothing after the point) or XML (ASCII digits)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value) if value.adjusted() < 20 else None
    if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value):
        return int(value)
    return None


class _Fields:
    """One object of an answer, read field by field, noting what had to be cut or left out."""

    def __init__(self, data: Any, what: str) -> None:
        self.data = _mapping(data, what)
        self.notes: list[str] = []

    def id(self, key: str, *, required: bool = False) -> int | None:
        value = _get(self.data, key)
        if value is None or value == "":
            if required:
                raise UnreadableBody(f"{key} is missing")
            return None
        number = _as_integer(value)
        if number is None or number not in INT64:
            raise UnreadableBody(f"{key} {text_shown(value)} is not an ID AdultWork could have sent")
        return number

    def count(self, key: str) -> int | None:
        value = _get(self.data, key)
        if value is None or value == "":
            return None
        number = _as_integer(value)
        if number is None or number not in INT64:
            self.notes.append(f"{key} {text_shown(value)} was not a number the portal can store, so it was left out.")
            return None
        return number

    def text(self, key: str, *, max_length: int) -> str | None:
        value = _get(self.data, key)
        if value is None:
            return None
        cleaned, changed = text_cleaned(str(value), max_length=max_length)
        if changed:
            self.notes.append(
                f"{key} was {len(str(value))} characters long or held characters the portal cannot store; "
                f"it was kept as {text_shown(cleaned, max_length=60)!r}."
            )
        return cleaned

    def flag(self, key: str) -> bool:
        value = _get(self.data, key)
        if isinstance(value, str):
            return value.strip().lower() == "true"
        return bool(value)


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise UnreadableBody(f"{what} is not an object")
    return value


def _items(value: Any, what: str) -> list[Any]:
    """A list that JSON gives as an array and DataContract XML wraps in one more element."""
    if value is None or value == "":  # absent, or an empty XML element
        return []
    if isinstance(value, Mapping):
        value = next(iter(value.values()), [])
        value = value if isinstance(value, list) else [value]
    if not isinstance(value, list):
        raise UnreadableBody(f"{what} is not a list")
    return value


@dataclass(frozen=True)
class PictureAlbum:
    user_id: int
    album_id: int
    album_name: str
    album_description: str | None
    album_size: int | None
    sequence: int | None
    thumb_url: str | None
    picture_ids: str | None
    # What the portal cut or left out of AdultWork's answer to store it, for the history.
    notes: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_data(cls, data: Any) -> PictureAlbum:
        fields = _Fields(data, "PictureAlbum")
        return cls(
            user_id=fields.id("UserID", required=True),
            album_id=fields.id("AlbumID", required=True),
            album_name=fields.text("AlbumName", max_length=ALBUM_NAME_MAX_LENGTH) or "",
            album_description=fields.text("AlbumDescription", max_length=TEXT_MAX_LENGTH),
            album_size=fields.count("AlbumSize"),
            sequence=fields.count("Sequence"),
            thumb_url=fields.text("ThumbUrl", max_length=THUMB_URL_MAX_LENGTH),
            picture_ids=fields.text("PictureIDs", max_length=TEXT_MAX_LENGTH),
            notes=tuple(fields.notes),
        )

    @classmethod
    def list_from_data(cls, data: Any) -> list[PictureAlbum]:
        if data == "":  # an empty <ArrayOfPictureAlbum/> decodes as empty text
            return []
        if not isinstance(data, list):
            raise UnreadableBody("albums are not a list")
        return [cls.from_data(item) for item in data]


@dataclass(frozen=True)
class Credentials:
    """verifyCredentials: who the token belongs to; group fields only with `account_information`."""

    user_id: int
    group_id: int | None
    group_name: str
    is_group_manager: bool
    user_type: str

    @classmethod
    def from_data(cls, data: Any) -> Credentials:
        fields = _Fields(data, "verifyCredentials")
        return cls(
            user_id=fields.id("UserID", required=True),
            group_id=fields.id("GroupID") or None,
            group_name=fields.text("GroupName", max_length=GROUP_NAME_MAX_LENGTH) or "",
            is_group_manager=fields.flag("IsGroupManager"),
            user_type=fields.text("UserType", max_length=USER_TYPE_MAX_LENGTH) or "",
        )


def granted_permissions(data: Any) -> frozenset[str]:
    """GetPermissions: the names of the permissions whose status is `granted`."""
    data = _mapping(data, "GetPermissions")
    return frozenset(
        str(_get(item, "Permission")).lower()
        for item in _items(_get(data, "Permissions"), "Permissions")
        if isinstance(item, Mapping) and str(_get(item, "Status")).lower() == "granted"
    )


@dataclass(frozen=True)
class GroupMember:
    user_id: int
    nickname: str


@dataclass(frozen=True)
class GroupMembersPage:
    """One page of getGroupDetails with ReturnMembers=true."""

    group_id: int
    group_name: str
    members: list[GroupMember]
    page_number: int
    page_count: int

    @classmethod
    def from_data(cls, data: Any) -> GroupMembersPage:
        fields = _Fields(data, "GroupDetails")
        members = [_Fields(item, "GroupMember") for item in _items(_get(fields.data, "Members"), "Members")]
        return cls(
            group_id=fields.id("GroupID", required=True),
            group_name=fields.text("GroupName", max_length=GROUP_NAME_MAX_LENGTH) or "",
            members=[
                GroupMember(
                    user_id=member.id("UserID", required=True),
                    nickname=member.text("Nickname", max_length=NICKNAME_MAX_LENGTH) or "",
                )
                for member in members
            ],
            page_number=fields.count("PageNumber") or 1,
            page_count=fields.count("PageCount") or 0,
        )
