"""Group managers acting for members, and the paged group member list."""

import pytest

from .conftest import MANAGER_TOKEN, MEMBER_TOKEN

GROUP_CREATE = "/v1/Groups/Pictures/CreateAlbum"
GROUP_ALBUMS = "/v1/Groups/Pictures/GetAlbums"


def details(aw, query: str):
    return aw.call("GET", f"/v1/groups/getGroupDetails?{query}")


def test_manager_creates_an_album_for_a_member_of_the_group(aw):
    response = aw.call("POST", GROUP_CREATE, token=MANAGER_TOKEN, json={"UserID": 300042, "Name": "For 42"})
    assert response.status_code == 200
    assert (response.json()["UserID"], response.json()["Sequence"]) == (300042, 0)
    assert [a["AlbumName"] for a in aw.albums(300042)] == ["For 42"]
    assert aw.albums(200001) == []


def test_manager_lists_a_members_albums(aw):
    aw.call("POST", GROUP_CREATE, token=MANAGER_TOKEN, json={"UserID": 300002, "Name": "x"})
    response = aw.call("GET", f"{GROUP_ALBUMS}?UserID=300002", token=MANAGER_TOKEN)
    assert [a["AlbumName"] for a in response.json()] == ["x"]


@pytest.mark.parametrize("token", [MEMBER_TOKEN, "demo-groupmember-token"], ids=["no-group", "plain-member"])
def test_someone_who_manages_no_group_is_forbidden(aw, token):
    response = aw.call("POST", GROUP_CREATE, token=token, json={"UserID": 300002, "Name": "x"})
    assert response.status_code == 403
    assert set(response.json()) == {"Message"}
    assert aw.call("GET", f"{GROUP_ALBUMS}?UserID=300002", token=token).status_code == 403


@pytest.mark.parametrize("user_id", [400001, 100001, 200001, 999999], ids=["other-group", "no-group", "self", "nobody"])
def test_acting_for_someone_outside_the_managers_group_is_forbidden(aw, user_id):
    response = aw.call("POST", GROUP_CREATE, token=MANAGER_TOKEN, json={"UserID": user_id, "Name": "x"})
    assert response.status_code == 403
    assert aw.call("GET", f"{GROUP_ALBUMS}?UserID={user_id}", token=MANAGER_TOKEN).status_code == 403
    assert aw.control("GET", "stats")["albums_created"] == 0


@pytest.mark.parametrize("user_id", [None, "300002", 3.5, 2**31], ids=["missing", "string", "fraction", "too-big"])
def test_group_create_needs_an_integer_user_id(aw, user_id):
    body = {"Name": "x"} if user_id is None else {"UserID": user_id, "Name": "x"}
    response = aw.call("POST", GROUP_CREATE, token=MANAGER_TOKEN, json=body)
    assert response.status_code == 400
    assert list(response.json()["ModelState"]) == ["request.UserID"]


def test_group_create_applies_the_album_rules_too(aw):
    response = aw.call("POST", GROUP_CREATE, token=MANAGER_TOKEN, json={"userid": 300002, "Name": ""})
    assert response.json()["ModelState"] == {"request.Name": ["The Name field is required."]}


def test_group_create_needs_profile_gallery(aw):
    token = aw.control("POST", "tokens", {"user_id": 200001, "scopes": ["account_information"]})["access_token"]
    assert aw.call("POST", GROUP_CREATE, token=token, json={"UserID": 300002, "Name": "x"}).status_code == 403


def test_group_details_pages_members_in_user_id_order(aw):
    response = details(aw, "GroupID=9001&ReturnMembers=true&MembersPerPage=50&PageNumber=3&apiKey=demo-api-key")
    assert response.status_code == 200
    document = response.json()
    assert {k: v for k, v in document.items() if k != "Members"} == {
        "GroupID": 9001,
        "GroupName": "Demo Agency",
        "MemberCount": 120,
        "PageNumber": 3,
        "PageCount": 3,
        "PageSize": 50,
    }
    assert document["Members"][0] == {"UserID": 300101, "Nickname": "member101"}
    assert [m["UserID"] for m in document["Members"]] == list(range(300101, 300121))


def test_group_details_without_return_members_has_no_member_list(aw):
    document = details(aw, "GroupID=9001&apikey=demo-api-key").json()
    assert "Members" not in document
    assert document["MemberCount"] == 120


def test_group_details_page_past_the_end_is_empty(aw):
    document = details(aw, "GroupID=9001&ReturnMembers=true&MembersPerPage=100&PageNumber=3&APIKEY=demo-api-key").json()
    assert (document["Members"], document["PageCount"]) == ([], 2)


@pytest.mark.parametrize("query", ["GroupID=9001", "GroupID=9001&apiKey=wrong"], ids=["missing", "wrong"])
def test_group_details_needs_the_api_key(aw, query):
    response = details(aw, query)
    assert response.status_code == 401
    assert set(response.json()) == {"Message"}


def test_group_details_ignores_a_bearer_token_in_place_of_the_key(aw):
    assert aw.call("GET", "/v1/groups/getGroupDetails?GroupID=9001", token=MANAGER_TOKEN).status_code == 401


def test_group_details_of_an_unknown_group_is_404(aw):
    response = details(aw, "GroupID=1234&apiKey=demo-api-key")
    assert response.status_code == 404
    assert set(response.json()) == {"Message"}


@pytest.mark.parametrize(
    "paging", ["MembersPerPage=0", "MembersPerPage=101", "MembersPerPage=x", "PageNumber=0"]
)
def test_group_details_paging_out_of_range_is_invalid(aw, paging):
    response = details(aw, f"GroupID=9001&ReturnMembers=true&{paging}&apiKey=demo-api-key")
    assert response.status_code == 400
    assert response.json()["Message"] == "The request is invalid."


def test_changed_membership_shows_in_details_and_in_permission_to_act(aw):
    aw.control(
        "POST",
        "group-members",
        {"group_id": 9001, "add": [{"UserID": 300500, "Nickname": "newcomer"}, {"UserID": 400001, "Nickname": "moved"}],
         "remove": [300001]},
    )
    document = details(aw, "GroupID=9001&ReturnMembers=true&MembersPerPage=100&PageNumber=2&apiKey=demo-api-key").json()
    assert document["MemberCount"] == 121
    assert document["Members"][-2:] == [{"UserID": 300500, "Nickname": "newcomer"}, {"UserID": 400001, "Nickname": "moved"}]
    assert aw.call("POST", GROUP_CREATE, token=MANAGER_TOKEN, json={"UserID": 300001, "Name": "x"}).status_code == 403
    assert aw.call("POST", GROUP_CREATE, token=MANAGER_TOKEN, json={"UserID": 300500, "Name": "x"}).status_code == 200
    other = details(aw, "GroupID=9002&apiKey=demo-api-key").json()
    assert other["MemberCount"] == 0
    stale = aw.call("GET", "/v1/account/verifyCredentials", token="demo-groupmember-token").json()
    assert stale["GroupID"] is None
