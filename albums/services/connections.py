"""Connecting a portal user to an AdultWork account, and handing out its access token."""

from __future__ import annotations

import logging

from django.contrib.auth.models import AbstractBaseUser

from .. import adultwork as aw
from ..crypto import SecretDecryptionError, secret_decrypt, secret_encrypt
from ..errors import PortalError, portal_error_from
from ..models import Connection
from .clients import aw_client

logger = logging.getLogger(__name__)


def connection_connect_with_token(*, user: AbstractBaseUser, access_token: str) -> Connection:
    """Check a pasted access token with AdultWork and keep it, encrypted, as the user's connection."""
    client = aw_client(access_token=access_token)
    try:
        credentials = client.credentials_verify()
        granted = client.permissions_get()
    except aw.NotAuthorised:
        raise PortalError(
            "AdultWork did not accept this access token. Check that you copied all of it and that it "
            "has not expired."
        ) from None
    except aw.AdultWorkError as exc:
        raise portal_error_from(exc) from None
    connection, _ = Connection.objects.update_or_create(
        user=user,
        defaults={
            "aw_user_id": credentials.user_id,
            "group_id": credentials.group_id,
            "group_name": credentials.group_name,
            "is_group_manager": credentials.is_group_manager,
            "scopes": " ".join(sorted(granted - {"userid"})),
            "source": Connection.Source.TOKEN,
            "status": Connection.Status.ACTIVE,
            "access_token_encrypted": secret_encrypt(access_token),
            "refresh_token_encrypted": "",
            "access_token_expires_at": None,
        },
    )
    logger.info("User %s connected AdultWork account %s with a pasted token", user.pk, credentials.user_id)
    return connection


def connection_disconnect(*, user: AbstractBaseUser) -> bool:
    """Forget the user's connection and its tokens. True when there was one."""
    deleted, _ = Connection.objects.filter(user=user).delete()
    if deleted:
        logger.info("User %s disconnected their AdultWork account", user.pk)
    return bool(deleted)


def connection_access_token(*, connection: Connection) -> str:
    """The connection's access token, ready to send."""
    if connection.status == Connection.Status.NEEDS_RECONNECT:
        raise PortalError("Your AdultWork connection has expired. Connect your AdultWork account again.")
    try:
        return secret_decrypt(connection.access_token_encrypted)
    except SecretDecryptionError:
        logger.error("The access token of connection %s cannot be decrypted with AW_TOKEN_KEYS", connection.pk)
        raise PortalError(
            "Your stored AdultWork token can no longer be read by the portal. Connect your AdultWork "
            "account again."
        ) from None
