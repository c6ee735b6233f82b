"""Connecting a portal user to an AdultWork account, and keeping a working access token for it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from .. import adultwork as aw
from ..adultwork.oauth import CLIENT_ERRORS, DEAD_GRANT_ERRORS, TokenSet
from ..crypto import SecretDecryptionError, secret_decrypt, secret_encrypt
from ..errors import PortalError, client_misconfigured_error, login_said, portal_error_from
from ..models import Connection
from .clients import aw_client, aw_login, aw_login_configured
from .members import member_roster_forget, member_roster_queue

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Refresh this long before expiry, so a token never runs out between our check and AdultWork's.
REFRESH_MARGIN = timedelta(seconds=60)

RECONNECT_MESSAGE = (
    "Your AdultWork connection has expired and needs reconnecting. Connect your AdultWork account "
    "again; your form is kept."
)


def _account(client: aw.AdultWorkClient) -> tuple[aw.Credentials, frozenset[str]]:
    return client.credentials_verify(), client.permissions_get()


def _connection_save(
    *, user: AbstractBaseUser, source: str, access_token: str, tokens: TokenSet | None = None
) -> Connection:
    """Ask AdultWork who the token belongs to and what it may do, then keep it as the user's connection."""
    try:
        credentials, granted = _account(aw_client(access_token=access_token))
    except aw.NotAuthorised:
        raise PortalError(
            "AdultWork did not accept this access token. Check that you copied all of it and that it "
            "has not expired."
        ) from None
    except aw.AdultWorkError as exc:
        raise portal_error_from(exc) from None
    before = Connection.objects.filter(user=user).values_list("aw_user_id", "group_id").first()
    connection, _ = Connection.objects.update_or_create(
        user=user,
        defaults={
            "aw_user_id": credentials.user_id,
            "group_id": credentials.group_id,
            "group_name": credentials.group_name,
            "is_group_manager": credentials.is_group_manager,
            "scopes": " ".join(sorted(granted - {"userid"})),
            "source": source,
            "status": Connection.Status.ACTIVE,
            "access_token_encrypted": secret_encrypt(access_token),
            "refresh_token_encrypted": secret_encrypt(tokens.refresh_token) if tokens else "",
            "access_token_expires_at": _expiry(tokens),
        },
    )
    logger.info("User %s connected AdultWork account %s (%s)", user.pk, credentials.user_id, source)
    if before is not None and before != (connection.aw_user_id, connection.group_id):
        # Grants name the old group and stop applying by themselves (StaffGrant.applies).
        member_roster_forget(connection=connection)
    member_roster_queue(connection=connection)
    return connection


def _expiry(tokens: TokenSet | None):
    if tokens is None or tokens.expires_in is None:
        return None
    return timezone.now() + timedelta(seconds=tokens.expires_in)


def connection_connect_with_token(*, user: AbstractBaseUser, access_token: str) -> Connection:
    """Check a pasted access token with AdultWork and keep it, encrypted. It cannot be refreshed."""
    return _connection_save(user=user, source=Connection.Source.TOKEN, access_token=access_token)


def connection_authorization_url(*, redirect_uri: str, state: str, code_verifier: str) -> str:
    """Where to send the browser to log in with AdultWork's Unified Login (with the PKCE challenge of
    `code_verifier`, which the caller keeps for the code exchange)."""
    if not aw_login_configured():
        raise PortalError(
            "Connecting through AdultWork's login is not set up on this portal: an administrator must "
            "set AW_CLIENT_ID and AW_CLIENT_SECRET. Until then, connect with an access token below."
        )
    return aw_login().authorization_url(redirect_uri=redirect_uri, state=state, code_verifier=code_verifier)


def connection_connect_with_code(
    *, user: AbstractBaseUser, code: str, redirect_uri: str, code_verifier: str
) -> Connection:
    """Finish the Unified Login: exchange the code (with its PKCE verifier) for tokens, then keep them
    with the account details."""
    try:
        tokens = aw_login().token_from_code(code=code, redirect_uri=redirect_uri, code_verifier=code_verifier)
    except aw.ClientMisconfigured as exc:
        raise _client_misconfigured(error=exc.error, description=exc.description, step="code exchange") from None
    except aw.TokenRefused as exc:
        raise PortalError(
            f"AdultWork's login refused to complete the connection ({login_said(exc.error, exc.description)}). "
            "The sign-in may have taken too long or been used already: start again."
        ) from None
    except aw.AdultWorkError as exc:
        raise portal_error_from(exc) from None
    return _connection_save(
        user=user, source=Connection.Source.OAUTH, access_token=tokens.access_token, tokens=tokens
    )


def _client_misconfigured(*, error: object, description: object, step: str) -> PortalError:
    """Tell the administrator (an ERROR in the log, naming the settings to check, never the secret) and
    give the user the message that says so."""
    logger.error(
        "AdultWork's login refused the portal's OAuth client (%s; it said %s). Check AW_CLIENT_ID (now %r), "
        "AW_CLIENT_SECRET and AW_OAUTH_REDIRECT_URI against the client registered with AdultWork.",
        step,
        login_said(error, description),
        settings.AW_CLIENT_ID,
    )
    return client_misconfigured_error(error, description)


def connection_login_refused(*, error: str | None, description: str | None) -> PortalError:
    """Why AdultWork's login came back to the callback without a code (other than the user cancelling)."""
    if error in CLIENT_ERRORS:
        return _client_misconfigured(error=error, description=description, step="authorization request")
    return PortalError(
        f"AdultWork's login came back without a sign-in code ({login_said(error, description)}). "
        "Nothing was changed; start again."
    )


def connection_disconnect(*, user: AbstractBaseUser) -> bool:
    """Forget the user's connection and its tokens. True when there was one."""
    deleted, _ = Connection.objects.filter(user=user).delete()
    if deleted:
        logger.info("User %s disconnected their AdultWork account", user.pk)
    return bool(deleted)


def _decrypted(connection: Connection, ciphertext: str) -> str:
    try:
        return secret_decrypt(ciphertext)
    except SecretDecryptionError:
        logger.error("A token of connection %s cannot be decrypted with AW_TOKEN_KEYS", connection.pk)
        raise PortalError(
            "Your stored AdultWork token can no longer be read by the portal. Connect your AdultWork "
            "account again.",
            code=PortalError.RECONNECT,
        ) from None


def _expiring(connection: Connection) -> bool:
    expires = connection.access_token_expires_at
    return bool(connection.refresh_token_encrypted) and expires is not None and expires <= timezone.now() + REFRESH_MARGIN


def _needs_reconnect() -> PortalError:
    return PortalError(RECONNECT_MESSAGE, code=PortalError.RECONNECT)


def _fresh_enough(locked: Connection, *, rejected_token: str | None) -> bool:
    """Whether the locked row needs no refresh: asked ahead of expiry, its token is not expiring yet;
    asked after a 401, it already holds another token than the refused one (someone refreshed meanwhile)."""
    if rejected_token is None:
        return not _expiring(locked)
    return _decrypted(locked, locked.access_token_encrypted) != rejected_token


def connection_refresh(*, connection: Connection, rejected_token: str | None = None) -> Connection:
    """Refresh the connection's tokens, exactly once however many requests ask at the same moment.

    AdultWork rotates refresh tokens (the old one dies when used), so two refreshes racing would lock
    the user out. The refresh therefore runs under a row lock; whoever waited re-reads the row and
    uses the new token instead of refreshing again. `rejected_token` is the access token AdultWork
    just refused: if the row already holds another one, someone refreshed meanwhile.
    """
    failure: PortalError | None = None
    with transaction.atomic():
        locked = Connection.objects.select_for_update().get(pk=connection.pk)
        if locked.status == Connection.Status.NEEDS_RECONNECT or not locked.refresh_token_encrypted:
            failure = _needs_reconnect()
        elif _fresh_enough(locked, rejected_token=rejected_token):
            return locked
        else:
            try:
                tokens = aw_login().token_refresh(
                    refresh_token=_decrypted(locked, locked.refresh_token_encrypted)
                )
            except aw.ClientMisconfigured as exc:
                failure = _client_misconfigured(error=exc.error, description=exc.description, step="refresh")
            except aw.TokenRefused as exc:
                if exc.error in DEAD_GRANT_ERRORS:
                    locked.status = Connection.Status.NEEDS_RECONNECT
                    locked.save(update_fields=["status", "updated_at"])
                    logger.info("Connection %s needs reconnecting: %s", locked.pk, exc.error)
                    failure = _needs_reconnect()
                else:
                    failure = PortalError(
                        f"AdultWork's login refused to refresh the connection ({login_said(exc.error, exc.description)})."
                    )
            except aw.AdultWorkError as exc:
                failure = portal_error_from(exc)
            else:
                locked.access_token_encrypted = secret_encrypt(tokens.access_token)
                locked.refresh_token_encrypted = secret_encrypt(tokens.refresh_token)
                locked.access_token_expires_at = _expiry(tokens)
                locked.save()
                logger.info("Connection %s refreshed its access token", locked.pk)
    # Raised only now, after the atomic block has committed: raising inside it would roll back the
    # NEEDS_RECONNECT mark above, and the next request would try the dead refresh token again.
    if failure is not None:
        raise failure
    return locked


def connection_access_token(*, connection: Connection) -> str:
    """An access token that will not expire in the next minute (refreshing it first if need be)."""
    if connection.status == Connection.Status.NEEDS_RECONNECT:
        raise _needs_reconnect()
    if _expiring(connection):
        connection = connection_refresh(connection=connection)
    return _decrypted(connection, connection.access_token_encrypted)


def connection_token_replace(*, connection: Connection, token: str) -> str | None:
    """AdultWork answered 401 to `token`, so it did nothing with the request: the token to send it once
    more with (refreshed once, however many callers ask at the same moment), or None when the
    connection cannot be refreshed (a pasted token), which is then marked for reconnecting."""
    if connection.source == Connection.Source.TOKEN:
        Connection.objects.filter(pk=connection.pk).update(
            status=Connection.Status.NEEDS_RECONNECT, updated_at=timezone.now()
        )
        return None
    logger.info("Connection %s: access token refused, refreshing once", connection.pk)
    connection = connection_refresh(connection=connection, rejected_token=token)
    return _decrypted(connection, connection.access_token_encrypted)


def connection_call_api(*, connection: Connection, call: Callable[[aw.AdultWorkClient], T]) -> T:
    """Run `call` with a client holding a working token.

    A 401 for a token we believed valid means AdultWork refused the request before doing anything,
    so one refresh and one retry are safe, for reads and writes alike.
    """
    token = connection_access_token(connection=connection)
    try:
        return call(aw_client(access_token=token))
    except aw.NotAuthorised:
        token = connection_token_replace(connection=connection, token=token)
        if token is None:
            raise
    return call(aw_client(access_token=token))
