"""The portal's one exception type, and the one place where API failures become words for users."""

from __future__ import annotations

import math
from typing import Any

from . import adultwork as aw
from .adultwork.parsing import error_text


class PortalError(Exception):
    """Something the user should be told. `field_errors` uses the API's field names.

    `record` is the history record of the attempt, when one was made; `code` lets a view react
    (RECONNECT: the AdultWork connection must be made again; MISCONFIGURED: only an administrator can help).
    """

    RECONNECT = "reconnect"
    MISCONFIGURED = "misconfigured"  # the portal's own configuration is wrong: starting again cannot help

    def __init__(
        self,
        message: str,
        *,
        field_errors: dict[str, list[str]] | None = None,
        record: Any = None,
        code: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}
        self.record = record
        self.code = code

    def describe(self) -> str:
        """The message with every field message, for the history."""
        details = [f"{field}: {message}" for field, messages in self.field_errors.items() for message in messages]
        return " ".join([self.message, *details])


# Beyond a day, a number of seconds says nothing useful (an HTTP date years ahead gave billions).
_WAIT_IN_SECONDS_UP_TO = 24 * 60 * 60


def _wait(exc: aw.RateLimited) -> str:
    if exc.retry_after is None:
        return "in a minute"
    if exc.retry_after > _WAIT_IN_SECONDS_UP_TO:
        return "later"
    return f"in {math.ceil(exc.retry_after)} seconds"


def login_said(error: object, description: object = "") -> str:
    """What an OAuth server said (`error` and `error_description`), cut to a sentence, for a message.
    Templates escape it like any other text."""
    error, description = error_text(error) or "no reason given", error_text(description)
    return f"{error}: {description}" if description else error


def client_misconfigured_error(error: object, description: object) -> PortalError:
    """AdultWork's login refused the portal's own OAuth client: only an administrator can help."""
    return PortalError(
        f"AdultWork's login refused this portal itself ({login_said(error, description)}): the portal's "
        "AdultWork client is misconfigured. You cannot fix this from here, and trying again will not help; "
        "the portal's administrator has been told. Nothing was changed.",
        code=PortalError.MISCONFIGURED,
    )


def portal_error_from(exc: aw.AdultWorkError, *, creating: bool = True) -> PortalError:
    """A message that says what happened and what to do next, for each kind of API failure: of a create,
    or (`creating` False) of an edit, a removal or pictures, which change an album that exists."""
    nothing = "Nothing was created" if creating else "Nothing was changed"
    if isinstance(exc, aw.ClientMisconfigured):
        return client_misconfigured_error(exc.error, exc.description)
    if isinstance(exc, aw.InvalidRequest):
        if exc.field_errors:
            return PortalError(
                "AdultWork refused the album; see the messages next to the fields.",
                field_errors=exc.field_errors,
            )
        return PortalError(f"{exc.message} {nothing}; check the form and send it again.")
    if isinstance(exc, aw.NotAuthorised):
        return PortalError(
            f"AdultWork no longer accepts your connection's access token. {nothing}. "
            "Connect your AdultWork account again, then send the form again.",
            code=PortalError.RECONNECT,
        )
    if isinstance(exc, aw.MissingScope):
        return PortalError(
            f"Your AdultWork connection was not granted the {exc.scope} permission, which this needs. "
            f"{nothing}. Connect again and allow it."
        )
    if isinstance(exc, aw.Forbidden):
        return PortalError(f"{exc.message} {nothing}.")
    if isinstance(exc, aw.RateLimited):
        return PortalError(f"AdultWork is limiting requests right now. {nothing}; try again {_wait(exc)}.")
    if isinstance(exc, aw.OutcomeUnknown):
        what = "the album was created" if creating else "AdultWork did it"
        return PortalError(
            f"{exc.message} We cannot tell whether {what}, so it was not sent again. "
            "Check the record before trying again."
        )
    if isinstance(exc, aw.NotFound) and not creating:
        return PortalError(f"{exc.message} The album is not there any more (removed?). {nothing}.")
    if isinstance(exc, aw.RemoteUnavailable):
        return PortalError(f"{exc.message} {nothing}; try again in a moment.")
    return PortalError(f"{exc.message} Try again in a moment.")


def check_error_from(exc: aw.AdultWorkError) -> PortalError:
    """Why AdultWork's album list could not be read to settle an attempt; the record stays as it was."""
    if isinstance(exc, aw.NotAuthorised):
        return PortalError(
            "AdultWork no longer accepts your connection's access token, so the album list could not be "
            "read. Connect your AdultWork account again, then check again."
        )
    if isinstance(exc, aw.Forbidden):
        return PortalError(f"{exc.message} The album list could not be read; this record is unchanged.")
    if isinstance(exc, aw.RateLimited):
        return PortalError(f"AdultWork is limiting requests right now. Check again {_wait(exc)}.")
    return PortalError(f"{exc.message} The album list could not be read; check again in a moment.")


def gallery_error_from(exc: aw.AdultWorkError) -> PortalError:
    """Why an account's albums could not be read for the Gallery: a read, so nothing changed either way."""
    if isinstance(exc, aw.NotAuthorised):
        return PortalError(
            "AdultWork no longer accepts the connection's access token, so the albums could not be read. "
            "Connect the AdultWork account again.",
            code=PortalError.RECONNECT,
        )
    if isinstance(exc, aw.RateLimited):
        return PortalError(f"AdultWork is limiting requests right now. Try again {_wait(exc)}.")
    return PortalError(f"{exc.message} The albums could not be read; try again in a moment.")


def member_list_error_from(exc: aw.AdultWorkError) -> PortalError:
    """getGroupDetails failures: a read made with the portal's API key, so nothing changed either way."""
    if isinstance(exc, aw.NotAuthorised):
        return PortalError(
            "AdultWork did not accept the portal's API key (AW_API_KEY), so the member list could not be "
            "fetched. Ask the portal's administrator to check it."
        )
    if isinstance(exc, aw.RateLimited):
        return PortalError(f"AdultWork is limiting requests right now. The member list was not changed; try again {_wait(exc)}.")
    return PortalError(f"{exc.message} The member list was not changed; try again in a moment.")
