"""The typed results the client returns; built from decoded JSON or XML, which differ only in types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .parsing import UnreadableBody


def _get(data: Mapping[str, Any], key: str) -> Any:
    """Case-insensitive lookup: ASP.NET serialisers are not consistent about casing."""
    if key in data:
        return data[key]
    lowered = key.lower()
    for name, value in data.items():
        if name.lower() == lowered:
            return value
    return None


def _int(data: Mapping[str, Any], key: str, *, required: bool = False) -> int | None:
    value = _get(data, key)
    if value is None or value == "":
        if required:
            raise UnreadableBody(f"{key} is missing")
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise UnreadableBody(f"{key} is not an integer") from None


def _str(data: Mapping[str, Any], key: str) -> str | None:
    value = _get(data, key)
    return None if value is None else str(value)


def _bool(data: Mapping[str, Any], key: str) -> bool:
    value = _get(data, key)
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

    @classmethod
    def from_data(cls, data: Any) -> PictureAlbum:
        data = _mapping(data, "PictureAlbum")
        return cls(
            user_id=_int(data, "UserID", required=True),
            album_id=_int(data, "AlbumID", required=True),
            album_name=_str(data, "AlbumName") or "",
            album_description=_str(data, "AlbumDescription"),
            album_size=_int(data, "AlbumSize"),
            sequence=_int(data, "Sequence"),
            thumb_url=_str(data, "ThumbUrl"),
            picture_ids=_str(data, "PictureIDs"),
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
        data = _mapping(data, "verifyCredentials")
        group_id = _int(data, "GroupID")
        return cls(
            user_id=_int(data, "UserID", required=True),
            group_id=group_id or None,
            group_name=_str(data, "GroupName") or "",
            is_group_manager=_bool(data, "IsGroupManager"),
            user_type=_str(data, "UserType") or "",
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
        data = _mapping(data, "GroupDetails")
        members = [_mapping(item, "GroupMember") for item in _items(_get(data, "Members"), "Members")]
        return cls(
            group_id=_int(data, "GroupID", required=True),
            group_name=_str(data, "GroupName") or "",
            members=[
                GroupMember(user_id=_int(item, "UserID", required=True), nickname=_str(item, "Nickname") or "")
                for item in members
            ],
            page_number=_int(data, "PageNumber") or 1,
            page_count=_int(data, "PageCount") or 0,
        )
