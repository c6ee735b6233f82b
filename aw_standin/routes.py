"""Which handler answers which path and method, matched without regard to case as ASP.NET routes are."""

from collections.abc import Callable

from . import api, oauth, pictures, signin
from .exchange import Request, Response
from .state import State

Handler = Callable[[State, Request], Response]

ROUTES: dict[str, dict[str, Handler]] = {
    "/v1/pictures/createalbum": {"POST": api.create_album},
    "/v1/groups/pictures/createalbum": {"POST": api.group_create_album},
    "/v1/pictures/updatealbum": {"PUT": api.update_album},
    "/v1/groups/pictures/updatealbum": {"PUT": api.group_update_album},
    "/v1/pictures/removealbum": {"POST": api.remove_album},
    "/v1/groups/pictures/removealbum": {"POST": api.group_remove_album},
    "/v1/pictures/addpictures": {"POST": pictures.add},
    "/v1/groups/pictures/addpictures": {"POST": pictures.group_add},
    "/v1/pictures/getalbums": {"GET": api.get_albums},
    "/v1/groups/pictures/getalbums": {"GET": api.group_get_albums},
    "/v1/account/verifycredentials": {"GET": api.verify_credentials},
    "/v1/account/getpermissions": {"GET": api.get_permissions},
    "/v1/groups/getgroupdetails": {"GET": api.group_details},
    "/oauth/authorize": {"GET": oauth.authorize_page, "POST": oauth.authorize_decision},
    "/oauth/token": {"POST": oauth.token},
    "/account/login": {"GET": signin.login_page, "POST": signin.login},
}


def route_key(path: str) -> str:
    """ASP.NET ignores case and a trailing slash when matching routes."""
    lowered = path.lower()
    return lowered[:-1] if len(lowered) > 1 and lowered.endswith("/") else lowered


def is_delayed(path: str) -> bool:
    """Whether configured latency applies: every API call and the token endpoint, not the login pages."""
    key = route_key(path)
    return key.startswith("/v1/") or key == "/oauth/token"


def handle(state: State, request: Request) -> Response:
    methods = ROUTES.get(route_key(request.path))
    if methods is None:
        return api.not_found(state, request)
    handler = methods.get(request.method)
    if handler is None:
        return api.method_not_allowed(state, request, list(methods))
    return handler(state, request)
