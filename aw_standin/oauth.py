"""The Unified Login stand-in: the authorization code flow and the token endpoint."""

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from . import pages, signin
from .exchange import Request, Response
from .pkce import PkceRefused, challenge_check, verifier_matches
from .records import Client
from .state import State
from .tokens import KNOWN_SCOPES, RefreshExpired

HTML_TYPE = "text/html; charset=utf-8"


class _Refused(Exception):
    """An authorization request that must not redirect: the page says why."""


class _Redirected(Exception):
    """An authorization request refused at the client's (verified) redirect URI, as RFC 6749 4.1.2.1 says."""

    def __init__(self, redirect_uri: str, state: str, error: str, description: str) -> None:
        super().__init__(description)
        self.redirect_uri, self.state, self.error, self.description = redirect_uri, state, error, description

    def response(self) -> Response:
        return _redirect(
            self.redirect_uri, [("error", self.error), ("error_description", self.description), ("state", self.state)]
        )


@dataclass
class _AuthorizationRequest:
    client: Client
    redirect_uri: str
    scopes: list[str]
    state: str
    code_challenge: str | None


def _single(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    if values and len(values) > 1:
        raise _Refused(f"The parameter {name} was given more than once.")
    return values[0] if values else None


def _authorization_request(state: State, params: dict[str, list[str]]) -> _AuthorizationRequest:
    # Client and redirect URI are checked first: until both are known good, any
    # error is shown here rather than sent to a URI nobody registered.
    client = state.clients.get(_single(params, "client_id") or "")
    if client is None:
        raise _Refused("Unknown client_id: no application is registered under that id.")
    redirect_uri = _single(params, "redirect_uri")
    if redirect_uri not in client.redirect_uris:
        raise _Refused("The redirect_uri is not registered for this application.")
    response_type = _single(params, "response_type")
    if response_type == "token":
        raise _Refused("This stand-in only implements the authorization code flow (response_type=code).")
    if response_type != "code":
        raise _Refused("response_type must be code.")
    scopes = (_single(params, "scope") or "").split()
    unknown = [scope for scope in scopes if scope not in KNOWN_SCOPES]
    if unknown:
        raise _Refused(
            f"Unknown scope {unknown[0]!r}. Scopes are separated by spaces; known scopes: {', '.join(KNOWN_SCOPES)}."
        )
    given_state = _single(params, "state") or ""
    try:
        challenge = challenge_check(
            _single(params, "code_challenge"), _single(params, "code_challenge_method"), required=state.config.require_pkce
        )
    except PkceRefused as refusal:
        raise _Redirected(redirect_uri, given_state, "invalid_request", str(refusal)) from None
    return _AuthorizationRequest(client, redirect_uri, list(dict.fromkeys(scopes)), given_state, challenge)


def _html(status: int, html: str) -> Response:
    return Response(status, html.encode("utf-8"), HTML_TYPE, [("Cache-Control", "no-store")])


def authorize_page(state: State, request: Request) -> Response:
    try:
        wanted = _authorization_request(state, request.query)
    except _Refused as refusal:
        return _html(400, pages.refusal_page(str(refusal)))
    except _Redirected as refusal:
        return refusal.response()
    if state.config.login_url:
        sign_in = signin.gate(state, request)
        if sign_in is not None:
            return sign_in
        users = [state.users[signin.signed_in_user(state, request)]]
    else:
        users = sorted(state.users.values(), key=lambda user: user.user_id)
    page = pages.consent_page(
        wanted.client.client_id, wanted.redirect_uri, wanted.scopes, wanted.state, wanted.code_challenge, users
    )
    return _html(200, page)


def _redirect(redirect_uri: str, params: list[tuple[str, str]]) -> Response:
    separator = "&" if "?" in redirect_uri else "?"
    return Response(302, b"", None, [("Location", redirect_uri + separator + urlencode(params))])


def authorize_decision(state: State, request: Request) -> Response:
    params = request.form()
    try:
        wanted = _authorization_request(state, params)
        decision = _single(params, "decision")
        if decision == "cancel":
            return _redirect(wanted.redirect_uri, [("code", ""), ("state", wanted.state), ("status", "cancelled")])
        if decision != "approve":
            raise _Refused("decision must be approve or cancel.")
        user_id = _single(params, "user_id") or ""
        if not user_id.isascii() or not user_id.isdigit() or int(user_id) not in state.users:
            raise _Refused("Choose one of the demo accounts.")
        if state.config.login_url and signin.signed_in_user(state, request) != int(user_id):
            raise _Refused("Sign in as this account first.")
        granted = params.get("granted_scope", [])
        if not set(granted) <= set(wanted.scopes):
            raise _Refused("A granted scope was not requested.")
    except _Refused as refusal:
        return _html(400, pages.refusal_page(str(refusal)))
    except _Redirected as refusal:
        return refusal.response()
    code = state.tokens.new_code(
        wanted.client.client_id, wanted.redirect_uri, int(user_id), frozenset(granted), wanted.code_challenge
    )
    return _redirect(wanted.redirect_uri, [("code", code), ("state", wanted.state)])


def _token_answer(status: int, document: dict) -> Response:
    body = json.dumps(document).encode("utf-8")
    return Response(status, body, "application/json;charset=UTF-8", [("Cache-Control", "no-store"), ("Pragma", "no-cache")])


def _oauth_error(status: int, code: str, description: str = "") -> Response:
    return _token_answer(status, {"error": code, **({"error_description": description} if description else {})})


def token(state: State, request: Request) -> Response:
    # Only a form-encoded body carries parameters; a JSON body reads as none at all.
    params = request.form()
    if any(len(values) > 1 for values in params.values()):
        return _oauth_error(400, "invalid_request")
    one = {name: values[0] for name, values in params.items()}
    grant_type = one.get("grant_type")
    if not grant_type:
        return _oauth_error(400, "invalid_request")
    client = state.clients.get(one.get("client_id", ""))
    if client is None or one.get("client_secret") != client.secret:
        return _oauth_error(401, "invalid_client")
    config = state.config
    if grant_type == "authorization_code":
        if not one.get("code") or not one.get("redirect_uri"):
            return _oauth_error(400, "invalid_request")
        code = state.tokens.take_code(one["code"])
        if code is None or code.client_id != client.client_id or code.redirect_uri != one["redirect_uri"]:
            return _oauth_error(400, "invalid_grant")
        if not verifier_matches(code.code_challenge, one.get("code_verifier")):
            return _oauth_error(400, "invalid_grant", "PKCE verification failed: the code_verifier does not match.")
        issued = state.tokens.issue(
            code.user_id, code.scopes, client.client_id, config.access_token_lifetime, config.refresh_token_lifetime
        )
        return _token_answer(200, issued)
    if grant_type == "refresh_token":
        if not one.get("refresh_token"):
            return _oauth_error(400, "invalid_request")
        try:
            refresh = state.tokens.use_refresh(one["refresh_token"], client.client_id)
        except RefreshExpired:
            return _oauth_error(401, "refresh_token_has_expired")
        if refresh is None:
            return _oauth_error(400, "invalid_grant")
        issued = state.tokens.issue(
            refresh.user_id, refresh.scopes, client.client_id, config.access_token_lifetime, config.refresh_token_lifetime
        )
        return _token_answer(200, issued)
    return _oauth_error(400, "unsupported_grant_type")
