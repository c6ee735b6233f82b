"""Secrets at rest (access tokens, refresh tokens, PINs), encrypted with the AW_TOKEN_KEYS Fernet keys.

Kept apart from SECRET_KEY so either can be rotated without the other: the first key encrypts,
every key decrypts, and `manage.py rotate_token_keys` re-encrypts everything under the first.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

KEY_HELP = (
    "Set AW_TOKEN_KEYS to one or more comma-separated Fernet keys; make one with: "
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


class SecretDecryptionError(Exception):
    """A stored secret cannot be decrypted with any configured key (lost or wrong AW_TOKEN_KEYS)."""


def keys_problem(keys: list[str]) -> str | None:
    """Why `keys` cannot be used, or None when they can."""
    if not keys:
        return "AW_TOKEN_KEYS is empty."
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.strip())
        except (ValueError, TypeError):
            return f"Key number {position} in AW_TOKEN_KEYS is not a valid Fernet key."
    return None


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.strip()) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.AW_TOKEN_KEYS))


def secret_encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode("utf-8")).decode("ascii")


def secret_decrypt(ciphertext: str) -> str:
    try:
        return _current().decrypt(ciphertext.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        raise SecretDecryptionError(
            "A stored secret could not be decrypted with AW_TOKEN_KEYS; was a key removed?"
        ) from None


def secret_rotate(ciphertext: str) -> str:
    """The same secret, encrypted under the first key."""
    try:
        return _current().rotate(ciphertext.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        raise SecretDecryptionError("A stored secret could not be decrypted for rotation.") from None
