"""The AdultWork API client: the one package that speaks HTTP to AdultWork."""

from .client import AdultWorkClient, AlbumInput
from .errors import (
    AdultWorkError,
    ClientMisconfigured,
    Forbidden,
    InvalidRequest,
    MissingScope,
    NotAuthorised,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    RemoteUnavailable,
    TokenRefused,
)
from .pictures import PictureInput
from .types import Credentials, GroupMember, PictureAlbum

__all__ = [
    "AdultWorkClient",
    "AdultWorkError",
    "AlbumInput",
    "ClientMisconfigured",
    "Credentials",
    "Forbidden",
    "GroupMember",
    "InvalidRequest",
    "MissingScope",
    "NotAuthorised",
    "NotFound",
    "OutcomeUnknown",
    "PictureAlbum",
    "PictureInput",
    "RateLimited",
    "RemoteUnavailable",
    "TokenRefused",
]
