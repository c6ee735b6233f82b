"""The /_standin/ control API: how tests set the stage and read what happened."""

import json
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from .api import picture_album
from .exchange import Request, Response
from .pictures import picture_listing
from .records import Client
from .render import plain
from .routes import route_key
from .state import FORMATS, MODELSTATE_PREFIXES, State
from .tokens import KNOWN_SCOPES

PREFIX = "/_standin/"


class _Bad(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _document(request: Request) -> dict:
    if not request.body.strip():
        return {}
    try:
        document = json.loads(request.body)
    except ValueError:
        raise _Bad("the body is not JSON") from None
    if not isinstance(document, dict):
        raise _Bad("the body must be a JSON object")
    return document


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _positive_int(value: Any, name: str) -> int:
    if type(value) is not int or value <= 0:
        raise _Bad(f"{name} must be a positive integer")
    return value


def _known_user(state: State, value: Any) -> int:
    if type(value) is not int or value not in state.users:
        raise _Bad(f"unknown user_id {value!r}")
    return value


def reset(state: State, request: Request) -> Any:
    state.reset()
    return {"reset": True}


def show_config(state: State, request: Request) -> Any:
    return state.config.as_json()


_CONFIG_CHECKS: dict[str, Callable[[Any], bool]] = {
    "picture_max_bytes": lambda v: type(v) is int and v > 0,
    "pictures_max_request_bytes": lambda v: type(v) is int and v > 0,
    "latency": lambda v: _is_number(v) and v >= 0,
    "access_token_lifetime": lambda v: type(v) is int and v > 0,
    "refresh_token_lifetime": lambda v: type(v) is int and v > 0,
    "modelstate_prefix": lambda v: v in MODELSTATE_PREFIXES,
    "force_format": lambda v: v in FORMATS,
    "require_pkce": lambda v: isinstance(v, bool),
    "login_url": lambda v: v is None or isinstance(v, str) and v.startswith(("http://", "https://")),
}


def update_config(state: State, request: Request) -> Any:
    changes = _document(request)
    for name, value in changes.items():
        check = _CONFIG_CHECKS.get(name)
        if check is None:
            raise _Bad(f"unknown setting {name!r}")
        if not check(value):
            raise _Bad(f"invalid value for {name}: {value!r}")
    for name, value in changes.items():
        setattr(state.config, name, value)
    return state.config.as_json()


def add_fault(state: State, request: Request) -> Any:
    try:
        return state.faults.add(_document(request)).as_json()
    except ValueError as error:
        raise _Bad(str(error)) from None


def list_faults(state: State, request: Request) -> Any:
    return [rule.as_json() for rule in state.faults.rules]


def clear_faults(state: State, request: Request) -> Any:
    state.faults.clear()
    return []


def list_requests(state: State, request: Request) -> Any:
    return [dict(entry) for entry in state.log]


def clear_requests(state: State, request: Request) -> Any:
    state.log.clear()
    return []


def stats(state: State, request: Request) -> Any:
    return asdict(state.stats)


def albums(state: State, request: Request) -> Any:
    wanted = request.param("UserID")
    chosen = [album for album in state.albums if wanted is None or str(album.user_id) == wanted.strip()]
    # The PIN is no part of any API answer; shown here so tests can see what a write did to it.
    return [
        plain(picture_album(album))
        | {"PinNumber": album.pin_number, "PINPrice": None if album.pin_price is None else str(album.pin_price)}
        for album in chosen
    ]


def pictures(state: State, request: Request) -> Any:
    """Stored pictures, optionally of one album; with Image=true, each picture's bytes in base64."""
    wanted = request.param("AlbumID")
    with_image = (request.param("Image") or "").lower() == "true"
    chosen = [p for p in state.pictures if wanted is None or str(p.album_id) == wanted.strip()]
    return [picture_listing(picture, with_image) for picture in chosen]


def issue_tokens(state: State, request: Request) -> Any:
    document = _document(request)
    user_id = _known_user(state, document.get("user_id"))
    scopes = document.get("scopes", list(KNOWN_SCOPES))
    if not isinstance(scopes, list) or not set(scopes) <= set(KNOWN_SCOPES):
        raise _Bad(f"scopes must be a list drawn from {', '.join(KNOWN_SCOPES)}")
    lifetime = _positive_int(document.get("expires_in", state.config.access_token_lifetime), "expires_in")
    access_token = document.get("access_token")
    if access_token is not None:
        if not isinstance(access_token, str) or not access_token or "client_id" in document:
            raise _Bad("access_token must be a non-empty string, and takes no client_id")
        return state.tokens.register_access(access_token, user_id, frozenset(scopes), lifetime)
    client_id = document.get("client_id")
    if client_id is not None and client_id not in state.clients:
        raise _Bad(f"unknown client_id {client_id!r}")
    return state.tokens.issue(user_id, frozenset(scopes), client_id, lifetime, state.config.refresh_token_lifetime)


def expire(state: State, request: Request) -> Any:
    document = _document(request)
    if "token" in document:
        return {"expired": int(state.tokens.expire_access(str(document["token"])))}
    what = document.get("what", "both")
    if what not in ("access", "refresh", "both"):
        raise _Bad("what must be access, refresh or both")
    return {"expired": state.tokens.expire_user(_known_user(state, document.get("user_id")), what)}


def register_client(state: State, request: Request) -> Any:
    document = _document(request)
    client_id, secret, uris = (document.get(k) for k in ("client_id", "client_secret", "redirect_uris"))
    if not (isinstance(client_id, str) and client_id and isinstance(secret, str) and secret):
        raise _Bad("client_id and client_secret must be non-empty strings")
    if not isinstance(uris, list) or not all(isinstance(uri, str) and uri for uri in uris):
        raise _Bad("redirect_uris must be a list of URIs")
    state.clients[client_id] = Client(client_id, secret, list(uris))
    return {"client_id": client_id, "client_secret": secret, "redirect_uris": uris}


def change_group_members(state: State, request: Request) -> Any:
    document = _document(request)
    group_id = document.get("group_id")
    group = state.groups.get(group_id) if type(group_id) is int else None
    if group is None:
        raise _Bad(f"unknown group_id {group_id!r}", 404)
    add, remove = document.get("add", []), document.get("remove", [])
    if not isinstance(add, list) or not all(
        isinstance(item, dict)
        and type(item.get("UserID")) is int
        and item["UserID"] > 0
        and isinstance(item.get("Nickname"), str)
        for item in add
    ):
        raise _Bad('add must be a list of {"UserID": N, "Nickname": "..."}')
    if not isinstance(remove, list) or not all(type(user_id) is int for user_id in remove):
        raise _Bad("remove must be a list of UserIDs")
    state.set_group_members(group, [(item["UserID"], item["Nickname"]) for item in add], remove)
    members = [{"UserID": uid, "Nickname": state.users[uid].nickname} for uid in sorted(group.member_ids)]
    return {"group_id": group.group_id, "member_count": len(members), "members": members}


CONTROL_ROUTES: dict[str, dict[str, Callable[[State, Request], Any]]] = {
    "/_standin/reset": {"POST": reset},
    "/_standin/config": {"GET": show_config, "POST": update_config},
    "/_standin/faults": {"GET": list_faults, "POST": add_fault, "DELETE": clear_faults},
    "/_standin/requests": {"GET": list_requests, "DELETE": clear_requests},
    "/_standin/stats": {"GET": stats},
    "/_standin/albums": {"GET": albums},
    "/_standin/pictures": {"GET": pictures},
    "/_standin/tokens": {"POST": issue_tokens},
    "/_standin/expire": {"POST": expire},
    "/_standin/clients": {"POST": register_client},
    "/_standin/group-members": {"POST": change_group_members},
}


def is_control(path: str) -> bool:
    return route_key(path).startswith(PREFIX) or route_key(path) == PREFIX.rstrip("/")


def _json(status: int, document: Any) -> Response:
    return Response(status, json.dumps(document).encode("utf-8"), "application/json; charset=utf-8")


def handle(state: State, request: Request) -> Response:
    methods = CONTROL_ROUTES.get(route_key(request.path))
    if methods is None:
        return _json(404, {"error": f"no control endpoint at {request.path}"})
    handler = methods.get(request.method)
    if handler is None:
        return _json(405, {"error": f"{request.path} answers {', '.join(methods)}"})
    try:
        return _json(200, handler(state, request))
    except _Bad as bad:
        return _json(bad.status, {"error": str(bad)})
