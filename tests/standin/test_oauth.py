"""The Unified Login stand-in: consent page, code flow, token endpoint and refresh rotation."""

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

CLIENT_ID = "awportal-demo"
SECRET = "awportal-demo-secret"
REDIRECT = "http://127.0.0.1:8000/connect/callback/"
BOTH = "profile_gallery account_information"


class FormReader(HTMLParser):
    """Collects form controls, labels and anything that would load an external resource."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict] = []
        self.label_targets: set[str] = set()
        self.external: list[str] = []
        self.html_lang: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.html_lang = attributes.get("lang")
        if tag in ("input", "select", "button"):
            self.controls.append({"tag": tag, **attributes})
        if tag == "label":
            self.label_targets.add(attributes.get("for"))
        if tag in ("script", "link", "img", "iframe") or attributes.get("src"):
            self.external.append(tag)


def authorize_query(**overrides) -> str:
    params = {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT, "scope": BOTH, "state": "s-1"}
    params.update(overrides)
    return urlencode({k: v for k, v in params.items() if v is not None})


def approve(aw, user_id=100001, granted=("profile_gallery", "account_information"), redirect_uri=REDIRECT, decision="approve"):
    form = [
        ("client_id", CLIENT_ID),
        ("redirect_uri", redirect_uri),
        ("scope", BOTH),
        ("state", "s-1"),
        ("response_type", "code"),
        ("user_id", str(user_id)),
        ("decision", decision),
    ] + [("granted_scope", scope) for scope in granted]
    return aw.call("POST", "/OAuth/Authorize", data=form, allow_redirects=False)


def code_from(response) -> str:
    assert response.status_code == 302, response.text
    query = parse_qs(urlsplit(response.headers["Location"]).query, keep_blank_values=True)
    assert query["state"] == ["s-1"]
    return query["code"][0]


def exchange(aw, code, redirect_uri=REDIRECT, client_id=CLIENT_ID, secret=SECRET):
    return aw.call(
        "POST",
        "/OAuth/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
              "client_id": client_id, "client_secret": secret},
    )


def refresh(aw, refresh_token):
    return aw.call(
        "POST",
        "/OAuth/token",
        data={"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": CLIENT_ID, "client_secret": SECRET},
    )


def user_of(aw, access_token) -> requests.Response:
    return aw.call("GET", "/v1/account/verifyCredentials", token=access_token)


def test_consent_page_is_an_accessible_self_contained_form_with_the_documented_fields(aw):
    response = aw.call("GET", f"/OAuth/Authorize?{authorize_query()}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    page = FormReader()
    page.feed(response.text)
    assert page.html_lang == "en"
    assert page.external == []
    hidden = {c["name"]: c["value"] for c in page.controls if c.get("type") == "hidden"}
    assert hidden == {"client_id": CLIENT_ID, "redirect_uri": REDIRECT, "scope": BOTH, "state": "s-1", "response_type": "code"}
    boxes = [c for c in page.controls if c.get("type") == "checkbox"]
    assert [(b["name"], b["value"], "checked" in b) for b in boxes] == [
        ("granted_scope", "profile_gallery", True),
        ("granted_scope", "account_information", True),
    ]
    buttons = [(c["name"], c["value"]) for c in page.controls if c["tag"] == "button"]
    assert buttons == [("decision", "approve"), ("decision", "cancel")]
    labelled = [c for c in page.controls if c["tag"] == "select" or c.get("type") == "checkbox"]
    assert all(c["id"] in page.label_targets for c in labelled)
    assert any(c["tag"] == "select" and c["name"] == "user_id" for c in page.controls)
    for user_id in ("100001", "200001", "300120", "400001"):
        assert f'value="{user_id}"' in response.text


def test_code_flow_end_to_end_gives_a_working_token(aw):
    code = code_from(approve(aw, user_id=200001))
    response = exchange(aw, code)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    issued = response.json()
    assert set(issued) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert (issued["token_type"], issued["expires_in"]) == ("bearer", 1200)
    me = user_of(aw, issued["access_token"]).json()
    assert (me["UserID"], me["IsGroupManager"]) == (200001, True)


def test_cancel_redirects_with_an_empty_code_and_cancelled_status(aw):
    response = approve(aw, decision="cancel")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    assert parse_qs(location.query, keep_blank_values=True) == {"code": [""], "state": ["s-1"], "status": ["cancelled"]}


def test_unticked_scope_is_not_granted(aw):
    issued = exchange(aw, code_from(approve(aw, granted=["profile_gallery"]))).json()
    assert user_of(aw, issued["access_token"]).json() == {"UserID": 100001}
    permissions = aw.call("GET", "/v1/Account/GetPermissions", token=issued["access_token"]).json()["Permissions"]
    assert [p["Status"] for p in permissions] == ["granted", "granted", "denied"]


@pytest.mark.parametrize(
    "overrides, says",
    [
        ({"redirect_uri": "http://evil.example/cb"}, "redirect_uri"),
        ({"redirect_uri": REDIRECT.rstrip("/")}, "redirect_uri"),
        ({"redirect_uri": None}, "redirect_uri"),
        ({"client_id": "nobody"}, "client_id"),
        ({"response_type": "token"}, "code flow"),
        ({"response_type": "id_token"}, "response_type"),
        ({"scope": "profile_gallery,account_information"}, "Unknown scope"),
    ],
)
def test_bad_authorization_request_gets_an_error_page_never_a_redirect(aw, overrides, says):
    response = aw.call("GET", f"/OAuth/Authorize?{authorize_query(**overrides)}", allow_redirects=False)
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert response.headers["Content-Type"].startswith("text/html")
    assert says in response.text


def test_approval_for_an_unregistered_redirect_uri_is_refused_without_redirect(aw):
    response = approve(aw, redirect_uri="http://evil.example/cb")
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_approval_granting_an_unrequested_scope_is_refused(aw):
    response = approve(aw, granted=["profile_gallery", "account_information", "everything"])
    assert response.status_code == 400


def test_code_works_once_only(aw):
    code = code_from(approve(aw))
    assert exchange(aw, code).status_code == 200
    second = exchange(aw, code)
    assert (second.status_code, second.json()) == (400, {"error": "invalid_grant"})


def test_code_is_bound_to_the_redirect_uri(aw):
    response = exchange(aw, code_from(approve(aw)), redirect_uri="http://localhost:8000/connect/callback/")
    assert (response.status_code, response.json()) == (400, {"error": "invalid_grant"})


def test_code_is_bound_to_the_client(aw):
    aw.control("POST", "clients", {"client_id": "other", "client_secret": "s", "redirect_uris": [REDIRECT]})
    response = exchange(aw, code_from(approve(aw)), client_id="other", secret="s")
    assert (response.status_code, response.json()) == (400, {"error": "invalid_grant"})


def test_code_expires_after_five_minutes(aw, clock):
    fresh, stale = code_from(approve(aw)), code_from(approve(aw))
    clock.advance(299)
    assert exchange(aw, fresh).status_code == 200
    clock.advance(1)
    response = exchange(aw, stale)
    assert (response.status_code, response.json()) == (400, {"error": "invalid_grant"})


@pytest.mark.parametrize("client_id, secret", [(CLIENT_ID, "wrong"), ("nobody", SECRET), (CLIENT_ID, None)])
def test_bad_client_credentials_are_invalid_client(aw, client_id, secret):
    data = {"grant_type": "authorization_code", "code": "x", "redirect_uri": REDIRECT, "client_id": client_id}
    if secret is not None:
        data["client_secret"] = secret
    response = aw.call("POST", "/OAuth/token", data=data)
    assert (response.status_code, response.json()) == (401, {"error": "invalid_client"})
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_grant_type_is_unsupported(aw):
    response = aw.call("POST", "/OAuth/token", data={"grant_type": "password", "client_id": CLIENT_ID, "client_secret": SECRET})
    assert (response.status_code, response.json()) == (400, {"error": "unsupported_grant_type"})


@pytest.mark.parametrize(
    "data",
    [
        {"client_id": CLIENT_ID, "client_secret": SECRET},
        {"grant_type": "authorization_code", "client_id": CLIENT_ID, "client_secret": SECRET, "redirect_uri": REDIRECT},
        {"grant_type": "authorization_code", "client_id": CLIENT_ID, "client_secret": SECRET, "code": "x"},
        {"grant_type": "refresh_token", "client_id": CLIENT_ID, "client_secret": SECRET},
        [("grant_type", "refresh_token"), ("grant_type", "refresh_token"), ("client_id", CLIENT_ID)],
    ],
    ids=["no-grant-type", "no-code", "no-redirect-uri", "no-refresh-token", "repeated-parameter"],
)
def test_missing_or_repeated_parameters_are_invalid_request(aw, data):
    response = aw.call("POST", "/OAuth/token", data=data)
    assert (response.status_code, response.json()) == (400, {"error": "invalid_request"})


def test_token_request_sent_as_json_is_not_read(aw):
    response = aw.call(
        "POST", "/OAuth/token", json={"grant_type": "refresh_token", "refresh_token": "x", "client_id": CLIENT_ID, "client_secret": SECRET}
    )
    assert (response.status_code, response.json()) == (400, {"error": "invalid_request"})


def test_refresh_rotates_the_refresh_token_and_keeps_the_scopes(aw):
    first = exchange(aw, code_from(approve(aw, granted=["profile_gallery"]))).json()
    second = refresh(aw, first["refresh_token"])
    assert second.status_code == 200
    assert second.headers["Cache-Control"] == "no-store"
    renewed = second.json()
    assert renewed["refresh_token"] != first["refresh_token"]
    assert renewed["access_token"] != first["access_token"]
    assert user_of(aw, renewed["access_token"]).json() == {"UserID": 100001}
    assert aw.create_album({"Name": "after refresh"}, token=renewed["access_token"]).status_code == 200
    reused = refresh(aw, first["refresh_token"])
    assert (reused.status_code, reused.json()) == (400, {"error": "invalid_grant"})
    assert refresh(aw, renewed["refresh_token"]).status_code == 200


def test_expired_refresh_token_says_refresh_token_has_expired(aw):
    issued = exchange(aw, code_from(approve(aw))).json()
    assert aw.control("POST", "expire", {"user_id": 100001, "what": "refresh"}) == {"expired": 1}
    response = refresh(aw, issued["refresh_token"])
    assert (response.status_code, response.json()) == (401, {"error": "refresh_token_has_expired"})
    assert user_of(aw, issued["access_token"]).status_code == 200


def test_refresh_token_lives_fourteen_days_sliding_with_each_refresh(aw, clock):
    issued = exchange(aw, code_from(approve(aw))).json()
    clock.advance(14 * 86400 - 1)
    renewed = refresh(aw, issued["refresh_token"]).json()
    clock.advance(14 * 86400 - 1)
    latest = refresh(aw, renewed["refresh_token"]).json()
    clock.advance(14 * 86400)
    response = refresh(aw, latest["refresh_token"])
    assert (response.status_code, response.json()) == (401, {"error": "refresh_token_has_expired"})


def test_access_token_expires_after_its_lifetime(aw, clock):
    issued = exchange(aw, code_from(approve(aw))).json()
    clock.advance(1199)
    assert user_of(aw, issued["access_token"]).status_code == 200
    clock.advance(1)
    assert user_of(aw, issued["access_token"]).status_code == 401


def test_expired_access_token_is_denied_but_refreshable(aw):
    issued = exchange(aw, code_from(approve(aw))).json()
    aw.control("POST", "expire", {"token": issued["access_token"]})
    assert user_of(aw, issued["access_token"]).status_code == 401
    assert refresh(aw, issued["refresh_token"]).status_code == 200


def test_access_token_lifetime_is_configurable(aw):
    aw.control("POST", "config", {"access_token_lifetime": 1})
    issued = exchange(aw, code_from(approve(aw))).json()
    assert issued["expires_in"] == 1


def test_authorize_paths_and_parameter_names_ignore_case(aw):
    query = authorize_query().replace("client_id", "Client_ID").replace("redirect_uri", "REDIRECT_URI")
    assert aw.call("GET", f"/oauth/authorize?{query}").status_code == 200
