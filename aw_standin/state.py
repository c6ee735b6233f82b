"""Everything the stand-in remembers, behind one lock.

Handlers run with `lock` held and never sleep while holding it, so slow answers
(latency, slow faults) overlap freely.
"""

import threading
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from . import demo
from .faults import FaultBook
from .records import Album, Client, Group, Picture, User
from .tokens import TokenStore

MODELSTATE_PREFIXES = ("request.", "model.", "")
FORMATS = (None, "json", "xml")


@dataclass
class Config:
    latency: float = 0.0
    access_token_lifetime: int = 1200
    refresh_token_lifetime: int = 14 * 24 * 3600
    modelstate_prefix: str = "request."
    force_format: str | None = None
    # Refuse authorization requests without a PKCE S256 challenge (RFC 9700 asks it of every client).
    require_pkce: bool = False
    # Where a browser not signed in at the authorize endpoint signs in (aw_standin/signin.py); None:
    # the consent page lets anyone pick a demo account.
    login_url: str | None = None
    # Nothing is documented; these are the stand-in's own limits for AddPictures.
    picture_max_bytes: int = 20 * 1024 * 1024
    pictures_max_request_bytes: int = 200 * 1024 * 1024

    def as_json(self) -> dict:
        return asdict(self)


@dataclass
class Stats:
    connections_opened: int = 0
    requests: int = 0
    albums_created: int = 0
    albums_updated: int = 0
    albums_removed: int = 0
    pictures_added: int = 0


@dataclass
class State:
    defaults: Config
    startup_clients: dict[str, Client]
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Bumped by reset, so a kept-alive connection is counted again once it carries traffic.
    epoch: int = 0
    last_connection_id: int = 0
    config: Config = field(init=False)
    users: dict[int, User] = field(init=False)
    groups: dict[int, Group] = field(init=False)
    albums: list[Album] = field(init=False)
    # Pictures whose album was removed without them, by owner (AdultWork keeps them in the gallery).
    loose_picture_ids: dict[int, list[str]] = field(init=False)
    next_album_id: int = field(init=False)
    pictures: list[Picture] = field(init=False)
    next_picture_id: int = field(init=False)
    clients: dict[str, Client] = field(init=False)
    tokens: TokenStore = field(init=False)
    faults: FaultBook = field(init=False)
    signins: dict[str, int] = field(init=False)  # sign-in cookie -> UserID
    signin_tickets: dict[str, int] = field(init=False)  # one-time ticket from the sign-in page -> UserID
    log: list[dict] = field(init=False)
    stats: Stats = field(init=False)

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.epoch += 1
        self.config = Config(**asdict(self.defaults))
        self.users = demo.users()
        self.groups = demo.groups()
        self.albums = demo.albums()
        self.loose_picture_ids = {}
        self.next_album_id = max(album.album_id for album in self.albums) + 1
        self.pictures = []
        self.next_picture_id = demo.FIRST_PICTURE_ID
        self.clients = {
            client_id: Client(client.client_id, client.secret, list(client.redirect_uris))
            for client_id, client in self.startup_clients.items()
        }
        self.tokens = TokenStore()
        for token, user_id, scopes, expired in demo.FIXED_TOKENS:
            self.tokens.add_fixed(token, user_id, scopes, expired)
        self.faults = FaultBook()
        self.signins = {}
        self.signin_tickets = {}
        self.log = []
        self.stats = Stats()

    def new_connection_id(self) -> int:
        self.last_connection_id += 1
        return self.last_connection_id

    def albums_of(self, user_id: int) -> list[Album]:
        return sorted(
            (album for album in self.albums if album.user_id == user_id),
            key=lambda album: album.sequence,
        )

    def create_album(
        self,
        user_id: int,
        name: str,
        description: str | None,
        pin_number: str | None = None,
        pin_price: Decimal | None = None,
    ) -> Album:
        album = Album(
            user_id=user_id,
            album_id=self.next_album_id,
            name=name,
            description=description,
            sequence=len(self.albums_of(user_id)),
            pin_number=pin_number,
            pin_price=pin_price,
        )
        self.next_album_id += 1
        self.albums.append(album)
        self.stats.albums_created += 1
        return album

    def album_of(self, user_id: int, album_id: int) -> Album | None:
        return next((a for a in self.albums if a.album_id == album_id and a.user_id == user_id), None)

    def update_album(
        self, album: Album, *, name: str, description: str | None, pin_number: str | None, pin_price: Decimal | None
    ) -> None:
        """Every field takes the value sent: one left out (null) is cleared, as we assume UpdateAlbum does."""
        album.name, album.description = name, description
        album.pin_number, album.pin_price = pin_number, pin_price
        self.stats.albums_updated += 1

    def remove_album(self, album: Album, *, remove_all_pictures: bool) -> None:
        """Drop the album; its pictures stay with the user, outside any album, unless removed with it."""
        self.albums.remove(album)
        if remove_all_pictures:
            self.pictures = [picture for picture in self.pictures if picture.album_id != album.album_id]
        elif album.picture_ids:
            self.loose_picture_ids.setdefault(album.user_id, []).extend(album.picture_ids.split(","))
        # The owner's other albums close the gap, so Sequence stays 0..n-1.
        for sequence, other in enumerate(self.albums_of(album.user_id)):
            other.sequence = sequence
        self.stats.albums_removed += 1
    def add_picture(self, album: Album, title: str | None, description: str | None, image: bytes) -> Picture:
        picture = Picture(self.next_picture_id, album.album_id, album.user_id, title, description, image)
        self.next_picture_id += 1
        self.pictures.append(picture)
        album.size += 1
        album.picture_ids = ",".join(filter(None, [album.picture_ids, str(picture.picture_id)]))
        self.stats.pictures_added += 1
        return picture

    def managed_group(self, user_id: int) -> Group | None:
        return next((g for g in self.groups.values() if g.manager_id == user_id), None)

    def set_group_members(self, group: Group, add: list[tuple[int, str]], remove: list[int]) -> None:
        for user_id in remove:
            group.member_ids.discard(user_id)
            user = self.users.get(user_id)
            if user is not None and user.group_id == group.group_id:
                user.group_id = None
        for user_id, nickname in add:
            user = self.users.setdefault(user_id, User(user_id, nickname))
            user.nickname = nickname
            for other in self.groups.values():
                other.member_ids.discard(user_id)
            group.member_ids.add(user_id)
            user.group_id = group.group_id
