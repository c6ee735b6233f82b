"""PKCE (RFC 7636), checked the way an authorization server must: only S256, verifiers of the right shape.

Written from the RFC for the stand-in; the portal's side comes from Authlib.
"""

import base64
import hashlib
import re
import secrets

S256 = "S256"
# RFC 7636 4.1: 43 to 128 unreserved characters. An S256 challenge (4.2) is 43 base64url characters.
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
_CHALLENGE = re.compile(r"[A-Za-z0-9\-_]{43}")


class PkceRefused(Exception):
    """The authorization request's PKCE parameters are wrong; the message is its error_description."""


def challenge_check(challenge: str | None, method: str | None, *, required: bool) -> str | None:
    """The code challenge to keep with the code, None when the client sent none (and need not)."""
    if not challenge:
        if method:
            raise PkceRefused("code_challenge_method was given without a code_challenge.")
        if required:
            raise PkceRefused("code challenge required (PKCE with code_challenge_method=S256).")
        return None
    # RFC 7636 4.3: a missing method means "plain", which sends the verifier itself through the browser.
    if method != S256:
        raise PkceRefused("code_challenge_method must be S256; this server does not accept plain.")
    if not _CHALLENGE.fullmatch(challenge):
        raise PkceRefused("code_challenge must be 43 base64url characters (the S256 of the verifier).")
    return challenge


def verifier_matches(challenge: str | None, verifier: str | None) -> bool:
    """Whether the token request's verifier answers the code's challenge (RFC 7636 4.6).

    A verifier for a code issued without a challenge is refused too (RFC 9700 2.1.1): it means
    someone stripped the challenge from the authorization request.
    """
    if challenge is None:
        return verifier is None
    if verifier is None or not _VERIFIER.fullmatch(verifier):
        return False
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return secrets.compare_digest(computed, challenge)
