"""The records the stand-in keeps: people, groups, albums and OAuth clients."""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class User:
    user_id: int
    nickname: str
    group_id: int | None = None
    user_type_id: int = 1
    user_type: str = "Member"


@dataclass
class Group:
    group_id: int
    name: str
    manager_id: int
    member_ids: set[int] = field(default_factory=set)


@dataclass
class Album:
    user_id: int
    album_id: int
    name: str
    description: str | None
    sequence: int
    size: int = 0
    thumb_url: str | None = None
    picture_ids: str | None = None
    # Kept, though no answer shows them, so tests can see what UpdateAlbum did to the PIN.
    pin_number: str | None = None
    pin_price: Decimal | None = None


@dataclass
class Picture:
    picture_id: int
    album_id: int
    user_id: int
    title: str | None
    description: str | None
    image: bytes


@dataclass
class Client:
    client_id: str
    secret: str
    redirect_uris: list[str]
