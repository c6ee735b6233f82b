"""The only code in the portal that speaks HTTP to the AdultWork REST API.

It knows nothing of Django models, forms or browser requests: it takes plain values and returns the
typed results of `types.py` or raises the typed exceptions of `errors.py`.
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, NewConnectionError

from . import errors
from .parsing import UnreadableBody, decode_body, error_details, looks_like_html
from .pictures import PictureInput, added_picture_ids
from .types import Credentials, GroupMember, GroupMembersPage, PictureAlbum, granted_permissions

logger = logging.getLogger(__name__)

USER_AGENT = "AWPortal/0.1 (+requests)"
MEMBERS_PER_PAGE = 100  # getGroupDetails' largest page
MAX_MEMBER_PAGES = 1000  # a bound in case an answer's PageCount never ends
SCOPE_IN_MESSAGE = re.compile(r"\b(profile_gallery|account_information|[a-z]+_[a-z_]+)\b")
# 500 may be an error after the album was stored; 502 and 504 come from a proxy that may have
# forwarded the request. 503 means the server did not take it.
AMBIGUOUS_STATUSES = {500, 502, 504}
# The request was read and refused for what it said: nothing was done, and sending it unchanged
# would be refused again, so the user must change it (never "try again in a moment").
REFUSED_INPUT_STATUSES = {400, 422}


class _Session(requests.Session):
    """requests.Session, reading the environment's proxy variables, NO_PROXY and CA bundle once per origin
    instead of on every request (two walks over os.environ each time): a process's environment does not
    change while it runs."""

    def __init__(self) -> None:
        super().__init__()
        self._environment_settings: dict[tuple[str, str], dict] = {}

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        if proxies or stream is not None or verify is not None or cert is not None:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        origin = urlsplit(url)[:2]
        if origin not in self._environment_settings:
            self._environment_settings[origin] = super().merge_environment_settings(url, {}, None, None, None)
        settings = self._environment_settings[origin]
        return {**settings, "proxies": dict(settings["proxies"])}


def _new_session() -> requests.Session:
    session = _Session()
    # No automatic retries: a retried POST could create a second album.
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=32, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


# One pooled session for the whole process, so calls reuse kept-alive connections.
SESSION = _new_session()


def json_dumps(value: Any) -> str:
    """JSON with Decimals written as exact numbers (never through float)."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("only finite decimals can be sent")
        return format(value, "f")
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{json_dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(json_dumps(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _retry_after(header: str | None) -> float | None:
    """Seconds (ASCII digits, as RFC 9110 says) or an HTTP date; None when it is neither."""
    if not header:
        return None
    header = header.strip()
    if re.fullmatch("[0-9]+", header):
        return float(header)
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


@dataclass(frozen=True)
class AlbumInput:
    """The CreateAlbum fields, already validated by the portal."""

    name: str
    description: str = ""
    pin_number: str = field(default="", repr=False)
    pin_price: Decimal | None = None

    def body(self) -> dict[str, Any]:
        """CreateAlbum's body: the fields given, nothing for the rest."""
        body: dict[str, Any] = {"Name": self.name}
        if self.description:
            body["Description"] = self.description
        if self.pin_number:
            body["PinNumber"] = self.pin_number
        if self.pin_price is not None:
            body["PINPrice"] = self.pin_price
        return body

    def full_body(self) -> dict[str, Any]:
        """Every field, null when not set. What UpdateAlbum does with an omitted field is not documented
        (we assume it clears it), so nothing is left out and the answer cannot depend on that."""
        return {
            "Name": self.name,
            "Description": self.description,
            "PinNumber": self.pin_number or None,
            "PINPrice": self.pin_price,
        }


# RemoveAlbum's answer is not documented: `true`, or nothing at all, are taken as done.
_REMOVED = (None, True, "true")


class AdultWorkClient:
    """Calls made with one user's access token (and the developer API key for public endpoints)."""

    def __init__(
        self,
        *,
        base_url: str,
        access_token: str = "",
        api_key: str = "",
        timeout: tuple[float, float] = (3.05, 15.0),
        session: requests.Session | None = None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._access_token = access_token
        self._api_key = api_key
        self._timeout = timeout
        self._session = session or SESSION

    def __repr__(self) -> str:  # never show the token
        return f"<AdultWorkClient {self._base_url}>"

    # --- endpoints ------------------------------------------------------------
    def album_create(self, *, album: AlbumInput, member_id: int | None = None) -> PictureAlbum:
        """POST /v1/Pictures/CreateAlbum, or its group-manager twin when acting for `member_id`."""
        data = self._gallery_write("POST", "CreateAlbum", album.body(), member_id=member_id)
        return self._typed(PictureAlbum.from_data, data, write=True)

    def album_update(self, *, album_id: int, album: AlbumInput, member_id: int | None = None) -> PictureAlbum:
        """PUT /v1/Pictures/UpdateAlbum (or its twin): the album as `album` says, every field sent."""
        body = {"AlbumID": album_id, **album.full_body()}
        data = self._gallery_write("PUT", "UpdateAlbum", body, member_id=member_id)
        return self._typed(PictureAlbum.from_data, data, write=True)

    def album_remove(self, *, album_id: int, remove_pictures: bool, member_id: int | None = None) -> None:
        """POST /v1/Pictures/RemoveAlbum (or its twin); `remove_pictures` removes the album's pictures too."""
        body = {"AlbumID": album_id, "RemoveAllPictures": remove_pictures}
        answer = self._gallery_write("POST", "RemoveAlbum", body, member_id=member_id, empty_ok=True)
        if answer not in _REMOVED:
            raise self._unreadable("neither true nor empty", write=True)

    def albums_list(
        self, *, user_id: int, for_member: bool = False, with_picture_ids: bool = False
    ) -> list[PictureAlbum]:
        path = "/v1/Groups/Pictures/GetAlbums" if for_member else "/v1/Pictures/GetAlbums"
        params: dict[str, Any] = {"UserID": user_id}
        if with_picture_ids:
            params["ReturnPictureIDs"] = "true"
        data = self._request("GET", path, params=params)
        return self._typed(PictureAlbum.list_from_data, data)

    def pictures_add(
        self, *, album_id: int, pictures: list[PictureInput], member_id: int | None = None
    ) -> list[int]:
        """POST /v1/Pictures/AddPictures, or its group-manager twin when acting for `member_id`;
        returns the new PictureIDs. A write: an unclear outcome raises OutcomeUnknown."""
        if not pictures:
            raise ValueError("AddPictures needs at least one picture")
        body: dict[str, Any] = {"AlbumID": album_id, "Pictures": [picture.body() for picture in pictures]}
        data = self._gallery_write("POST", "AddPictures", body, member_id=member_id)
        return self._typed(added_picture_ids, data, write=True)

    def credentials_verify(self) -> Credentials:
        data = self._request("GET", "/v1/account/verifyCredentials")
        return self._typed(Credentials.from_data, data)

    def permissions_get(self) -> frozenset[str]:
        data = self._request("GET", "/v1/Account/GetPermissions")
        return self._typed(granted_permissions, data)

    def group_members_list(self, *, group_id: int) -> list[GroupMember]:
        """Every member of the group, from all pages of getGroupDetails (needs the API key)."""
        members: list[GroupMember] = []
        for page_number in range(1, MAX_MEMBER_PAGES + 1):
            params = {
                "GroupID": group_id,
                "ReturnMembers": "true",
                "MembersPerPage": MEMBERS_PER_PAGE,
                "PageNumber": page_number,
            }
            data = self._request("GET", "/v1/groups/getGroupDetails", params=params)
            page = self._typed(GroupMembersPage.from_data, data)
            members.extend(page.members)
            if not page.members or page_number >= page.page_count:
                return members
        raise errors.RemoteUnavailable(f"getGroupDetails kept answering past {MAX_MEMBER_PAGES} pages.")

    # --- plumbing -------------------------------------------------------------
    def _gallery_write(
        self, method: str, action: str, body: dict[str, Any], *, member_id: int | None, empty_ok: bool = False
    ) -> Any:
        """A write to /v1/Pictures/<action>, or, acting for `member_id`, to its /v1/Groups twin."""
        if member_id is None:
            return self._request(method, f"/v1/Pictures/{action}", body=body, write=True, empty_ok=empty_ok)
        body = {"UserID": member_id, **body}
        return self._request(method, f"/v1/Groups/Pictures/{action}", body=body, write=True, empty_ok=empty_ok)

    def _typed(self, build, data: Any, *, write: bool = False):
        try:
            return build(data)
        except UnreadableBody as exc:
            raise self._unreadable(str(exc), write=write) from None

    @staticmethod
    def _unreadable(what: str, *, write: bool) -> errors.AdultWorkError:
        if write:
            return errors.OutcomeUnknown(
                f"AdultWork accepted the request but its answer could not be read ({what})."
            )
        return errors.RemoteUnavailable(f"AdultWork's answer could not be read ({what}).")

    def _request(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params=None,
        write: bool = False,
        empty_ok: bool = False,
    ) -> Any:
        """The decoded answer (None for an empty one when `empty_ok`), or a typed exception."""
        headers = {"Accept": "application/json"}
        if self._access_token:
            # RFC 6750 spells the scheme `Bearer`; AdultWork's samples write `bearer`, but case-sensitive
            # gateways exist, and the contract (contract/adultwork.openapi.yaml) asks for the canonical form.
            headers["Authorization"] = f"Bearer {self._access_token}"
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
            data = json_dumps(body).encode("utf-8")
        if self._api_key:
            params = {**(params or {}), "apiKey": self._api_key}
        started = time.monotonic()
        try:
            response = self._session.request(
                method,
                self._base_url + path,
                params=params,
                data=data,
                headers=headers,
                timeout=self._timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            logger.warning("AdultWork %s %s failed: %s", method, path, type(exc).__name__)
            raise self._transport_error(exc, write=write) from None
        elapsed_ms = (time.monotonic() - started) * 1000
        logger.info("AdultWork %s %s -> %s in %.0f ms", method, path, response.status_code, elapsed_ms)
        return self._answer(response, write=write, empty_ok=empty_ok)

    @staticmethod
    def _transport_error(exc: requests.RequestException, *, write: bool) -> errors.AdultWorkError:
        never_sent = isinstance(exc, requests.ConnectTimeout) or (
            isinstance(exc, requests.ConnectionError)
            and exc.args
            and isinstance(exc.args[0], MaxRetryError)
            and isinstance(exc.args[0].reason, NewConnectionError)
        )
        if never_sent:
            return errors.RemoteUnavailable("AdultWork could not be reached (no connection).")
        if isinstance(exc, requests.ReadTimeout):
            what = "AdultWork did not answer in time."
        else:
            what = "The connection to AdultWork was lost before it answered."
        if write:
            return errors.OutcomeUnknown(what)
        return errors.RemoteUnavailable(what)

    def _answer(self, response: requests.Response, *, write: bool, empty_ok: bool = False) -> Any:
        status = response.status_code
        content_type = response.headers.get("Content-Type", "")
        text = response.text
        if 200 <= status < 300 and empty_ok and not text.strip():
            return None
        if 200 <= status < 300:
            try:
                return decode_body(content_type, text)
            except UnreadableBody as exc:
                raise self._unreadable(str(exc), write=write) from None
        message, field_errors = error_details(content_type, text)
        detail = f" AdultWork said: {message}" if message else ""
        if status in REFUSED_INPUT_STATUSES:
            raise errors.InvalidRequest(
                f"AdultWork refused the request.{detail}", field_errors=field_errors, status=status
            )
        if status == 401:
            raise errors.NotAuthorised(f"AdultWork did not accept the access token.{detail}", status=status)
        if status == 403:
            scope = SCOPE_IN_MESSAGE.search(message) if "scope" in message.lower() else None
            if scope:
                raise errors.MissingScope(
                    f"The AdultWork connection lacks the {scope.group(1)} permission.{detail}",
                    scope=scope.group(1),
                    status=status,
                )
            raise errors.Forbidden(f"AdultWork does not allow this.{detail}", status=status)
        if status == 404:
            raise errors.NotFound(f"AdultWork answered with status 404.{detail}", status=status)
        if status == 429:
            raise errors.RateLimited(
                "AdultWork is limiting requests right now.",
                retry_after=_retry_after(response.headers.get("Retry-After")),
                status=status,
            )
        kind = "an HTML error page" if looks_like_html(content_type, text) else f"status {status}"
        if write and status in AMBIGUOUS_STATUSES:
            raise errors.OutcomeUnknown(f"AdultWork answered with {kind}.{detail}", status=status)
        raise errors.RemoteUnavailable(f"AdultWork answered with {kind}.{detail}", status=status)
