"""AdultWork's Unified Login (OAuth 2.0 authorization code flow), through Authlib.

Authlib's framework-neutral OAuth2Session does the protocol (authorization URL, code exchange,
refresh with client_secret_post, PKCE); this module keeps it free of Django and turns its failures into
the client's typed exceptions. Token calls are rare (a connect, a refresh every ~20 minutes), so each
uses a short-lived session rather than the API's pooled one.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session

from . import errors
from .parsing import error_text

logger = logging.getLogger(__name__)

SCOPES = ("profile_gallery", "account_information")
# The only token errors that mean the refresh token is gone for good: the user must log in again.
DEAD_GRANT_ERRORS = frozenset({"refresh_token_has_expired", "invalid_grant"})
# The token endpoint refusing the portal's own client (RFC 6749 5.2): its configuration is wrong.
CLIENT_ERRORS = frozenset({"invalid_client", "unauthorized_client"})


# A token said to live longer is renewed after this anyway: renewing early costs one request, and a
# lifetime of any size (10**20 s overflowed the expiry date) cannot be stored.
MAX_TOKEN_LIFETIME = 24 * 60 * 60


def _lifetime(expires_in) -> int | None:
    """expires_in in seconds, at most MAX_TOKEN_LIFETIME; raises ValueError unless it is ASCII digits."""
    if expires_in is None:
        return None
    text = str(expires_in).strip()
    if isinstance(expires_in, bool) or not re.fullmatch("[0-9]+", text):
        raise ValueError("expires_in is not a number of seconds")
    return MAX_TOKEN_LIFETIME if len(text) > 12 else min(int(text), MAX_TOKEN_LIFETIME)


@dataclass(frozen=True)
class TokenSet:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int | None


class UnifiedLogin:
    def __init__(
        self, *, base_url: str, client_id: str, client_secret: str, timeout: tuple[float, float] = (3.05, 15.0)
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._timeout = timeout

    def __repr__(self) -> str:  # never show the secret
        return f"<UnifiedLogin {self._base_url} client {self._client_id}>"

    def _session(self, redirect_uri: str | None = None) -> OAuth2Session:
        return OAuth2Session(
            client_id=self._client_id,
            client_secret=self._client_secret,
            token_endpoint_auth_method="client_secret_post",
            redirect_uri=redirect_uri,
            # PKCE even though the portal is a confidential client (RFC 9700, 2.1.1): a code stolen on its
            # way back through the browser is useless without the verifier, which never leaves the server.
            code_challenge_method="S256",
            default_timeout=self._timeout,
        )

    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str) -> str:
        """The authorize URL, carrying `state` and the S256 challenge of `code_verifier` (kept by the caller)."""
        with self._session(redirect_uri) as session:
            url, _ = session.create_authorization_url(
                f"{self._base_url}/OAuth/Authorize", state=state, code_verifier=code_verifier, scope=" ".join(SCOPES)
            )
        return url

    def token_from_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> TokenSet:
        with self._session(redirect_uri) as session:
            return self._token_call(
                "authorization_code",
                lambda: session.fetch_token(
                    f"{self._base_url}/OAuth/token",
                    grant_type="authorization_code",
                    code=code,
                    redirect_uri=redirect_uri,
                    code_verifier=code_verifier,
                ),
            )

    def token_refresh(self, *, refresh_token: str) -> TokenSet:
        with self._session() as session:
            return self._token_call(
                "refresh_token",
                lambda: session.refresh_token(f"{self._base_url}/OAuth/token", refresh_token=refresh_token),
            )

    @staticmethod
    def _token_call(grant: str, call) -> TokenSet:
        try:
            token = call()
        except OAuthError as exc:
            error, description = error_text(exc.error), error_text(exc.description)
            logger.info("AdultWork token endpoint refused a %s grant: %s", grant, error)
            kind = errors.ClientMisconfigured if error in CLIENT_ERRORS else errors.TokenRefused
            raise kind(f"AdultWork's login refused the request ({error}).", error=error, description=description) from None
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else None
            raise errors.RemoteUnavailable(f"AdultWork's login answered with status {status}.", status=status) from None
        except requests.RequestException as exc:
            logger.warning("AdultWork token endpoint failed: %s", type(exc).__name__)
            raise errors.RemoteUnavailable("AdultWork's login could not be reached.") from None
        except ValueError:
            raise errors.RemoteUnavailable("AdultWork's login answered with something unreadable.") from None
        try:
            return TokenSet(
                access_token=str(token["access_token"]),
                refresh_token=str(token["refresh_token"]),
                expires_in=_lifetime(token.get("expires_in")),
            )
        except (KeyError, TypeError, ValueError):
            raise errors.RemoteUnavailable("AdultWork's login answered without usable tokens.") from None
