"""Access tokens, refresh tokens and authorization codes, and the rules for their lives.

Callers hold the state lock. Times are seconds on the store's clock (monotonic,
replaceable so tests can move time forward instead of sleeping).
"""

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

PROFILE_GALLERY = "profile_gallery"
ACCOUNT_INFORMATION = "account_information"
KNOWN_SCOPES = (PROFILE_GALLERY, ACCOUNT_INFORMATION)

CODE_LIFETIME = 300


class RefreshExpired(Exception):
    pass


@dataclass
class AccessToken:
    user_id: int
    scopes: frozenset[str]
    expires_at: float | None  # None: never
    issued: bool  # False for the fixed demo tokens, which /_standin/expire by user leaves alone

    def is_live(self, now: float) -> bool:
        return self.expires_at is None or now < self.expires_at


@dataclass
class RefreshToken:
    user_id: int
    scopes: frozenset[str]
    client_id: str | None  # None: minted by the control API, any client may use it
    expires_at: float


@dataclass
class AuthorizationCode:
    client_id: str
    redirect_uri: str
    user_id: int
    scopes: frozenset[str]
    expires_at: float
    code_challenge: str | None  # PKCE S256 challenge, None when the client sent none


class TokenStore:
    def __init__(self) -> None:
        self.clock: Callable[[], float] = time.monotonic
        self.access: dict[str, AccessToken] = {}
        self.refresh: dict[str, RefreshToken] = {}
        self.codes: dict[str, AuthorizationCode] = {}

    def add_fixed(self, token: str, user_id: int, scopes: frozenset[str], expired: bool) -> None:
        self.access[token] = AccessToken(user_id, scopes, 0.0 if expired else None, issued=False)

    def live_access(self, token: str) -> AccessToken | None:
        found = self.access.get(token)
        return found if found is not None and found.is_live(self.clock()) else None

    def issue(
        self,
        user_id: int,
        scopes: frozenset[str],
        client_id: str | None,
        access_lifetime: int,
        refresh_lifetime: int,
    ) -> dict:
        now = self.clock()
        access = secrets.token_urlsafe(32)
        refresh = secrets.token_urlsafe(32)
        self.access[access] = AccessToken(user_id, scopes, now + access_lifetime, issued=True)
        self.refresh[refresh] = RefreshToken(user_id, scopes, client_id, now + refresh_lifetime)
        return {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": access_lifetime,
            "refresh_token": refresh,
        }

    def register_access(self, token: str, user_id: int, scopes: frozenset[str], lifetime: int) -> dict:
        """Accept an access token another authorization server issued, as if it were one of ours."""
        self.access[token] = AccessToken(user_id, scopes, self.clock() + lifetime, issued=True)
        return {"access_token": token, "token_type": "bearer", "expires_in": lifetime}

    def use_refresh(self, token: str, client_id: str) -> RefreshToken | None:
        """Remove and return the refresh token, so it is never good twice.

        None when unknown (or already used) or bound to another client.
        """
        found = self.refresh.get(token)
        if found is None or found.client_id not in (None, client_id):
            return None
        if self.clock() >= found.expires_at:
            raise RefreshExpired
        del self.refresh[token]
        return found

    def new_code(
        self, client_id: str, redirect_uri: str, user_id: int, scopes: frozenset[str], code_challenge: str | None
    ) -> str:
        code = secrets.token_urlsafe(24)
        self.codes[code] = AuthorizationCode(
            client_id, redirect_uri, user_id, scopes, self.clock() + CODE_LIFETIME, code_challenge
        )
        return code

    def take_code(self, code: str) -> AuthorizationCode | None:
        """Remove the code whatever comes next, so a code is never good twice."""
        found = self.codes.pop(code, None)
        if found is None or self.clock() >= found.expires_at:
            return None
        return found

    def expire_user(self, user_id: int, what: str) -> int:
        now = self.clock()
        count = 0
        if what in ("access", "both"):
            for token in self.access.values():
                if token.issued and token.user_id == user_id and token.is_live(now):
                    token.expires_at = now
                    count += 1
        if what in ("refresh", "both"):
            for token in self.refresh.values():
                if token.user_id == user_id and now < token.expires_at:
                    token.expires_at = now
                    count += 1
        return count

    def expire_access(self, token: str) -> bool:
        found = self.access.get(token)
        if found is None:
            return False
        found.expires_at = self.clock()
        return True
