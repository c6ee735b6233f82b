"""The /v1 endpoints, answering as the AdultWork REST API does (or as we assume it does)."""

import math
import re
from collections.abc import Callable
from typing import Any

from . import demo
from .exchange import Request, Response
from .records import Album, Group
from .render import MODELS_NS, PICTURES_NS, HttpError, Many, Obj, api_response, wants_xml
from .state import State
from .tokens import ACCOUNT_INFORMATION, KNOWN_SCOPES, PROFILE_GALLERY, AccessToken
from .validation import INT32_RANGE, UnreadableBody, check_album_request, check_remove_request, read_json_object

DENIED = "Authorization has been denied for this request."
INVALID = "The request is invalid."
MEMBERS_PER_PAGE_DEFAULT = 20
MEMBERS_PER_PAGE_MAX = 100

# An Int32 in ASCII digits; more than 11 cannot be one, and are not read as a number at all.
_INTEGER = re.compile("[+-]?[0-9]{1,11}")

Result = tuple[int, Obj | Many | HttpError | bool]


class Refusal(Exception):
    def __init__(self, status: int, message: str, model_state: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error = HttpError(message, model_state)


def _render(state: State, request: Request, status: int, value: Obj | Many | HttpError | bool) -> Response:
    return api_response(status, value, wants_xml(request.header("Accept"), state.config.force_format))


def endpoint(handler: Callable[[State, Request], Result]) -> Callable[[State, Request], Response]:
    def answer(state: State, request: Request) -> Response:
        try:
            status, value = handler(state, request)
        except Refusal as refusal:
            status, value = refusal.status, refusal.error
        response = _render(state, request, status, value)
        if status == 401:
            response.headers.append(("WWW-Authenticate", "Bearer"))
        return response

    return answer


def _bearer(state: State, request: Request) -> AccessToken:
    parts = (request.header("Authorization") or "").split(None, 1)
    found = state.tokens.live_access(parts[1].strip()) if len(parts) == 2 and parts[0].lower() == "bearer" else None
    if found is None:
        raise Refusal(401, DENIED)
    return found


def _require_scope(token: AccessToken, scope: str) -> None:
    if scope not in token.scopes:
        raise Refusal(403, f"The access token has not been granted the '{scope}' scope.")


def _managed_group(state: State, token: AccessToken) -> Group:
    group = state.managed_group(token.user_id)
    if group is None:
        raise Refusal(403, "Only a group manager can act for members of a group.")
    return group


def _require_member(group: Group, user_id: int) -> None:
    if user_id not in group.member_ids:
        raise Refusal(403, f"User {user_id} is not a member of your group.")


def _invalid_param(name: str, message: str) -> Refusal:
    # Query parameters are bound as action arguments, so their ModelState keys carry no prefix.
    return Refusal(400, INVALID, {name: [message]})


def _int_param(request: Request, name: str, default: int | None = None) -> int:
    raw = request.param(name)
    if raw is None or raw == "":
        if default is None:
            raise _invalid_param(name, f"The {name} field is required.")
        return default
    if not _INTEGER.fullmatch(raw.strip()) or int(raw) not in INT32_RANGE:
        raise _invalid_param(name, f"The value '{raw[:100]}' is not valid for {name}.")
    return int(raw)


def _bool_param(request: Request, name: str) -> bool:
    raw = request.param(name)
    if raw is None or raw == "":
        return False
    if raw.strip().lower() not in ("true", "false"):
        raise _invalid_param(name, f"The value '{raw}' is not valid for {name}.")
    return raw.strip().lower() == "true"


def picture_album(album: Album, with_picture_ids: bool = True) -> Obj:
    return Obj(
        "PictureAlbum",
        PICTURES_NS,
        {
            "UserID": album.user_id,
            "AlbumID": album.album_id,
            "AlbumName": album.name,
            "AlbumDescription": album.description,
            "AlbumSize": album.size,
            "Sequence": album.sequence,
            "ThumbUrl": album.thumb_url,
            "PictureIDs": album.picture_ids if with_picture_ids else None,
        },
    )


def _checked_body(state: State, request: Request, check: Callable[[dict], tuple[Any, dict[str, list[str]]]]) -> Any:
    """The body read as JSON and checked, or a 400 as Web API model binding gives it."""
    try:
        members = read_json_object(request.body)
    except UnreadableBody:
        raise Refusal(400, INVALID) from None
    checked, errors = check(members)
    if errors:
        prefix = state.config.modelstate_prefix
        raise Refusal(400, INVALID, {prefix + field: messages for field, messages in errors.items()})
    return checked


def _writer(state: State, request: Request, *, as_manager: bool) -> tuple[int | None, Group | None]:
    """Who writes to a gallery: the token's user, or (group twin) the manager of the group named."""
    token = _bearer(state, request)
    _require_scope(token, PROFILE_GALLERY)
    if as_manager:
        return None, _managed_group(state, token)
    return token.user_id, None


def _owner(owner: int | None, group: Group | None, body_user_id: int | None) -> int:
    """The account written to: the token's user, or the member the body names, once checked."""
    if group is None:
        return owner
    _require_member(group, body_user_id)
    return body_user_id


def _owned_album(state: State, owner: int, album_id: int) -> Album:
    # [assumed] an album of someone else looks the same as none at all, so AlbumIDs reveal nothing.
    album = state.album_of(owner, album_id)
    if album is None:
        raise Refusal(404, f"Album {album_id} was not found.")
    return album


def _twins(write: Callable[..., Result]) -> tuple[Callable[[State, Request], Response], ...]:
    """The endpoint for one's own gallery and its /v1/Groups twin, where a manager names the member."""
    return (
        endpoint(lambda state, request: write(state, request, as_manager=False)),
        endpoint(lambda state, request: write(state, request, as_manager=True)),
    )


def _create(state: State, request: Request, *, as_manager: bool) -> Result:
    owner, group = _writer(state, request, as_manager=as_manager)
    checked = _checked_body(state, request, lambda m: check_album_request(m, for_member=group is not None))
    owner = _owner(owner, group, checked.user_id)
    album = state.create_album(owner, checked.name, checked.description, checked.pin_number, checked.pin_price)
    return 200, picture_album(album)


create_album, group_create_album = _twins(_create)


def _update(state: State, request: Request, *, as_manager: bool) -> Result:
    owner, group = _writer(state, request, as_manager=as_manager)
    checked = _checked_body(
        state, request, lambda m: check_album_request(m, for_member=group is not None, with_album_id=True)
    )
    album = _owned_album(state, _owner(owner, group, checked.user_id), checked.album_id)
    state.update_album(
        album,
        name=checked.name,
        description=checked.description,
        pin_number=checked.pin_number,
        pin_price=checked.pin_price,
    )
    return 200, picture_album(album)


update_album, group_update_album = _twins(_update)


def _remove(state: State, request: Request, *, as_manager: bool) -> Result:
    owner, group = _writer(state, request, as_manager=as_manager)
    checked = _checked_body(state, request, lambda m: check_remove_request(m, for_member=group is not None))
    album = _owned_album(state, _owner(owner, group, checked.user_id), checked.album_id)
    state.remove_album(album, remove_all_pictures=checked.remove_all_pictures)
    return 200, True


remove_album, group_remove_album = _twins(_remove)


def _albums(state: State, user_id: int, with_picture_ids: bool) -> Result:
    albums = [picture_album(album, with_picture_ids) for album in state.albums_of(user_id)]
    return 200, Many("PictureAlbum", PICTURES_NS, albums)


@endpoint
def get_albums(state: State, request: Request) -> Result:
    token = _bearer(state, request)
    user_id = _int_param(request, "UserID")
    # PictureIDs (comma-separated, null for an empty album) only when asked for.
    with_picture_ids = _bool_param(request, "ReturnPictureIDs")
    if user_id != token.user_id:
        raise Refusal(403, "You can only list your own albums; group managers use /v1/Groups/Pictures/GetAlbums.")
    return _albums(state, user_id, with_picture_ids)


@endpoint
def group_get_albums(state: State, request: Request) -> Result:
    token = _bearer(state, request)
    group = _managed_group(state, token)
    user_id = _int_param(request, "UserID")
    with_picture_ids = _bool_param(request, "ReturnPictureIDs")
    _require_member(group, user_id)
    return _albums(state, user_id, with_picture_ids)


@endpoint
def verify_credentials(state: State, request: Request) -> Result:
    token = _bearer(state, request)
    fields: dict = {"UserID": token.user_id}
    if ACCOUNT_INFORMATION in token.scopes:
        user = state.users[token.user_id]
        group = state.groups.get(user.group_id) if user.group_id is not None else None
        fields |= {
            "GroupID": group.group_id if group else None,
            "GroupName": group.name if group else None,
            "IsGroupManager": group is not None and group.manager_id == user.user_id,
            "UserTypeID": user.user_type_id,
            "UserType": user.user_type,
        }
    return 200, Obj("VerifyCredentials", MODELS_NS, fields)


@endpoint
def get_permissions(state: State, request: Request) -> Result:
    token = _bearer(state, request)
    statuses = [("userid", "granted")] + [
        (scope, "granted" if scope in token.scopes else "denied") for scope in KNOWN_SCOPES
    ]
    items = [Obj("Permission", MODELS_NS, {"Permission": name, "Status": status}) for name, status in statuses]
    return 200, Obj("Permissions", MODELS_NS, {"Permissions": Many("Permission", MODELS_NS, items)})


@endpoint
def group_details(state: State, request: Request) -> Result:
    if request.param("apiKey") != demo.API_KEY:
        raise Refusal(401, DENIED)
    group_id = _int_param(request, "GroupID")
    return_members = _bool_param(request, "ReturnMembers")
    page_size = _int_param(request, "MembersPerPage", MEMBERS_PER_PAGE_DEFAULT)
    if not 1 <= page_size <= MEMBERS_PER_PAGE_MAX:
        raise _invalid_param(
            "MembersPerPage", f"The field MembersPerPage must be between 1 and {MEMBERS_PER_PAGE_MAX}."
        )
    page = _int_param(request, "PageNumber", 1)
    if page < 1:
        raise _invalid_param("PageNumber", "The field PageNumber must be at least 1.")
    group = state.groups.get(group_id)
    if group is None:
        raise Refusal(404, f"Group {group_id} was not found.")
    member_ids = sorted(group.member_ids)
    fields: dict = {"GroupID": group.group_id, "GroupName": group.name, "MemberCount": len(member_ids)}
    if return_members:
        shown = member_ids[(page - 1) * page_size : page * page_size]
        fields["Members"] = Many(
            "GroupMember",
            MODELS_NS,
            [Obj("GroupMember", MODELS_NS, {"UserID": uid, "Nickname": state.users[uid].nickname}) for uid in shown],
        )
    fields |= {"PageNumber": page, "PageCount": math.ceil(len(member_ids) / page_size), "PageSize": page_size}
    return 200, Obj("GroupDetails", MODELS_NS, fields)


def not_found(state: State, request: Request) -> Response:
    message = f"No HTTP resource was found that matches the request URI '{request.absolute_uri()}'."
    return _render(state, request, 404, HttpError(message))


def method_not_allowed(state: State, request: Request, allowed: list[str]) -> Response:
    message = f"The requested resource does not support http method '{request.method}'."
    response = _render(state, request, 405, HttpError(message))
    response.headers.append(("Allow", ", ".join(allowed)))
    return response
