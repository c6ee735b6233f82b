"""What can go wrong when talking to AdultWork, as types the rest of the portal can act on.

Messages are built here from status codes and the API's own `Message` text, never from request
URLs, headers or library exception text, so no token or API key can leak into a message or a log.
"""

from __future__ import annotations


class AdultWorkError(Exception):
    """Base of every failure the client reports."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class InvalidRequest(AdultWorkError):
    """400 or 422: AdultWork refused the input. `field_errors` maps API field names to messages."""

    def __init__(
        self, message: str, *, field_errors: dict[str, list[str]] | None = None, status: int | None = 400
    ) -> None:
        super().__init__(message, status=status)
        self.field_errors = field_errors or {}


class NotAuthorised(AdultWorkError):
    """401: the access token is unknown, revoked or expired."""


class Forbidden(AdultWorkError):
    """403: the token may not do this (for example, act for that member)."""


class MissingScope(Forbidden):
    """403 because the token lacks a scope the endpoint needs."""

    def __init__(self, message: str, *, scope: str, status: int | None = 403) -> None:
        super().__init__(message, status=status)
        self.scope = scope


class RateLimited(AdultWorkError):
    """429: not processed; `retry_after` is in seconds when AdultWork said."""

    def __init__(self, message: str, *, retry_after: float | None, status: int | None = 429) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class RemoteUnavailable(AdultWorkError):
    """AdultWork did not process the request (no connection, 503, unknown address, unreadable answer
    to a read). Trying again later is safe."""


class NotFound(RemoteUnavailable):
    """404: what the request names is not there (an album removed, or not this account's); nothing was
    done, and asking again will not change that."""


class OutcomeUnknown(AdultWorkError):
    """A write may or may not have been processed (timeout after sending, dropped connection,
    500/502/504, an unreadable success). Sending it again blindly could create a duplicate."""


class TokenRefused(AdultWorkError):
    """The OAuth token endpoint refused a grant; `error` is its `{"error": ...}` code and `description`
    its `error_description` (the server's words, at most ERROR_TEXT_LIMIT characters, not yet escaped)."""

    def __init__(self, message: str, *, error: str, description: str = "", status: int | None = None) -> None:
        super().__init__(message, status=status)
        self.error = error
        self.description = description


class ClientMisconfigured(TokenRefused):
    """The token endpoint refused the portal itself (`invalid_client`, `unauthorized_client`): its client
    id, secret or registration is wrong. No user can fix this; an administrator must."""
