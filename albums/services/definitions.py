"""An album definition in its two shapes: the typed AlbumInput the client sends, and the stored
AlbumDefinition fields (of an attempt's record or a bulk job), whose PIN is kept only encrypted."""

from __future__ import annotations

from typing import Any

from .. import adultwork as aw
from ..crypto import secret_decrypt, secret_encrypt
from ..models import AlbumDefinition


def album_definition_fields(*, album: aw.AlbumInput) -> dict[str, Any]:
    """The AlbumDefinition fields that store `album`, the PIN encrypted."""
    return {
        "name": album.name,
        "description": album.description,
        "pin_number_encrypted": secret_encrypt(album.pin_number) if album.pin_number else "",
        "pin_price": album.pin_price,
    }


def album_definition_input(*, definition: AlbumDefinition) -> aw.AlbumInput:
    """What to send for a stored definition. Raises SecretDecryptionError when its PIN no longer decrypts."""
    return aw.AlbumInput(
        name=definition.name,
        description=definition.description,
        pin_number=secret_decrypt(definition.pin_number_encrypted) if definition.has_pin else "",
        pin_price=definition.pin_price,
    )
