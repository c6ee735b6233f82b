"""The /v1 endpoints: authentication, scopes, answers, routing and error shapes."""

import time

import pytest
import requests

from .conftest import MANAGER_TOKEN, MEMBER_TOKEN

DENIED = {"Message": "Authorization has been denied for this request."}
ALBUM_FIELDS = ["UserID", "AlbumID", "AlbumName", "AlbumDescription", "AlbumSize", "Sequence", "ThumbUrl", "PictureIDs"]


def test_created_album_has_the_documented_fields_and_the_next_global_id(aw):
    response = aw.create_album({"Name": "Look at my pictures", "Description": "My new album!"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "UserID": 100001,
        "AlbumID": 5000002,
        "AlbumName": "Look at my pictures",
        "AlbumDescription": "My new album!",
        "AlbumSize": 0,
        "Sequence": 1,
        "ThumbUrl": None,
        "PictureIDs": None,
    }
    assert list(response.json()) == ALBUM_FIELDS


def test_sequence_counts_the_albums_the_user_already_had(aw):
    first = aw.create_album({"Name": "a"}, token="demo-groupmember-token").json()
    second = aw.create_album({"Name": "b"}, token="demo-groupmember-token").json()
    assert (first["Sequence"], second["Sequence"]) == (0, 1)
    assert second["AlbumID"] == first["AlbumID"] + 1


@pytest.mark.parametrize(
    "authorization",
    [None, "bearer", "bearer nope", "Basic ZGVtbzpkZW1v", "demo-member-token", "bearer demo-expired-token"],
    ids=["missing", "no-token", "unknown", "basic", "no-scheme", "expired"],
)
def test_bad_or_expired_token_is_denied(aw, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = aw.call("POST", "/v1/Pictures/CreateAlbum", headers=headers, json={"Name": "a"})
    assert response.status_code == 401
    assert response.json() == DENIED
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert aw.albums(100001)[-1]["AlbumName"] == "Holiday 2026"


@pytest.mark.parametrize("scheme", ["bearer", "Bearer", "BEARER"])
def test_bearer_scheme_is_case_insensitive(aw, scheme):
    response = aw.call("GET", "/v1/account/verifyCredentials", headers={"Authorization": f"{scheme} {MEMBER_TOKEN}"})
    assert response.status_code == 200


def test_create_album_without_profile_gallery_scope_is_forbidden(aw):
    response = aw.create_album({"Name": "a"}, token="demo-noscope-token")
    assert response.status_code == 403
    assert "profile_gallery" in response.json()["Message"]
    assert aw.albums(100001) == aw.albums(100001)[:1]


@pytest.mark.parametrize(
    "path",
    ["/v1/Pictures/CreateAlbum", "/v1/pictures/createalbum", "/V1/PICTURES/CREATEALBUM", "/v1/Pictures/CreateAlbum/"],
)
def test_routing_ignores_case_and_a_trailing_slash(aw, path):
    assert aw.call("POST", path, token=MEMBER_TOKEN, json={"Name": "a"}).status_code == 200


def test_unknown_route_is_404_quoting_the_uri(aw):
    response = aw.call("GET", "/v1/Pictures/Nothing?x=1")
    assert response.status_code == 404
    assert response.json() == {
        "Message": f"No HTTP resource was found that matches the request URI '{aw.url}/v1/Pictures/Nothing?x=1'."
    }


def test_wrong_method_is_405_naming_the_method(aw):
    response = aw.call("GET", "/v1/Pictures/CreateAlbum", token=MEMBER_TOKEN)
    assert response.status_code == 405
    assert response.json() == {"Message": "The requested resource does not support http method 'GET'."}
    assert response.headers["Allow"] == "POST"


def test_verify_credentials_without_account_information_gives_only_the_user_id(aw):
    aw_token = aw.control("POST", "tokens", {"user_id": 100001, "scopes": ["profile_gallery"]})["access_token"]
    response = aw.call("GET", "/v1/account/verifyCredentials", token=aw_token)
    assert response.json() == {"UserID": 100001}


def test_verify_credentials_for_a_member_outside_any_group(aw):
    response = aw.call("GET", "/v1/account/verifyCredentials", token=MEMBER_TOKEN)
    assert response.json() == {
        "UserID": 100001,
        "GroupID": None,
        "GroupName": None,
        "IsGroupManager": False,
        "UserTypeID": 1,
        "UserType": "Member",
    }


def test_verify_credentials_for_a_manager_and_a_group_member(aw):
    manager = aw.call("GET", "/v1/account/verifyCredentials", token=MANAGER_TOKEN).json()
    member = aw.call("GET", "/v1/account/verifyCredentials", token="demo-groupmember-token").json()
    assert (manager["GroupID"], manager["GroupName"], manager["IsGroupManager"]) == (9001, "Demo Agency", True)
    assert (member["UserID"], member["GroupID"], member["IsGroupManager"]) == (300001, 9001, False)


def test_get_permissions_lists_granted_and_denied_scopes(aw):
    response = aw.call("GET", "/v1/Account/GetPermissions", token="demo-noscope-token")
    assert response.json() == {
        "Permissions": [
            {"Permission": "userid", "Status": "granted"},
            {"Permission": "profile_gallery", "Status": "denied"},
            {"Permission": "account_information", "Status": "granted"},
        ]
    }


def test_get_albums_lists_the_seed_album_then_new_ones_in_sequence(aw):
    aw.create_album({"Name": "New"})
    response = aw.call("GET", "/v1/Pictures/GetAlbums?UserID=100001&ReturnPictureIDs=true", token=MEMBER_TOKEN)
    assert [(a["AlbumName"], a["Sequence"]) for a in response.json()] == [("Holiday 2026", 0), ("New", 1)]
    assert all(list(album) == ALBUM_FIELDS for album in response.json())


def test_query_parameter_names_are_case_insensitive(aw):
    response = aw.call("GET", "/v1/pictures/getalbums?userid=100001&returnpictureids=TRUE", token=MEMBER_TOKEN)
    assert response.status_code == 200
    assert len(response.json()) == 1


def test_get_albums_of_someone_else_is_forbidden(aw):
    response = aw.call("GET", "/v1/Pictures/GetAlbums?UserID=300001", token=MEMBER_TOKEN)
    assert response.status_code == 403
    assert set(response.json()) == {"Message"}


@pytest.mark.parametrize(
    "query, key",
    [
        ("", "UserID"),
        ("UserID=abc", "UserID"),
        ("UserID=" + "9" * 5000, "UserID"),  # longer than Python reads as an int
        ("UserID=%D9%A5", "UserID"),  # an Arabic-Indic five
        ("UserID=100001&ReturnPictureIDs=maybe", "ReturnPictureIDs"),
    ],
)
def test_get_albums_with_a_missing_or_malformed_parameter_is_invalid(aw, query, key):
    response = aw.call("GET", f"/v1/Pictures/GetAlbums?{query}", token=MEMBER_TOKEN)
    assert response.status_code == 400
    assert response.json()["Message"] == "The request is invalid."
    assert list(response.json()["ModelState"]) == [key]


def test_get_albums_needs_a_token(aw):
    assert aw.call("GET", "/v1/Pictures/GetAlbums?UserID=100001").json() == DENIED


def test_answers_on_a_kept_alive_connection_come_without_delay(aw):
    # Headers and body are two writes; with Nagle's algorithm on, each answer would wait ~40 ms for
    # the client's delayed ACK, a delay no real server adds and that would skew every timing.
    with requests.Session() as session:
        session.post(f"{aw.url}/v1/Pictures/CreateAlbum", json={"Name": "warm"}, headers={"Authorization": f"bearer {MEMBER_TOKEN}"})
        started = time.perf_counter()
        for _ in range(10):
            session.post(f"{aw.url}/v1/Pictures/CreateAlbum", json={"Name": "x"}, headers={"Authorization": f"bearer {MEMBER_TOKEN}"})
        assert time.perf_counter() - started < 0.3
