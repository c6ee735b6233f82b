"""UpdateAlbum and RemoveAlbum, and their group-manager twins: rules from the docs, effects seen by GetAlbums."""

import xml.etree.ElementTree as ET

import pytest
import requests

from .conftest import MANAGER_TOKEN, MEMBER_TOKEN

UPDATE = "/v1/Pictures/UpdateAlbum"
REMOVE = "/v1/Pictures/RemoveAlbum"
GROUP_UPDATE = "/v1/Groups/Pictures/UpdateAlbum"
GROUP_REMOVE = "/v1/Groups/Pictures/RemoveAlbum"
SEEDED = 5000001  # demo_member's "Holiday 2026"


def update(aw, body, token=MEMBER_TOKEN, path=UPDATE, **kwargs):
    return aw.call("PUT", path, token=token, json=body, **kwargs)


def remove(aw, body, token=MEMBER_TOKEN, path=REMOVE, **kwargs):
    return aw.call("POST", path, token=token, json=body, **kwargs)


def listed(aw, token=MEMBER_TOKEN, user_id=100001, path="/v1/Pictures/GetAlbums"):
    return aw.call("GET", f"{path}?UserID={user_id}&ReturnPictureIDs=true", token=token).json()


def test_update_changes_the_album_and_answers_it(aw):
    response = update(aw, {"AlbumID": SEEDED, "Name": "Summer", "Description": "Renamed", "PinNumber": "Xy7q", "PINPrice": 2.5})
    assert response.status_code == 200
    assert response.json() == {
        "UserID": 100001,
        "AlbumID": SEEDED,
        "AlbumName": "Summer",
        "AlbumDescription": "Renamed",
        "AlbumSize": 0,
        "Sequence": 0,
        "ThumbUrl": None,
        "PictureIDs": None,
    }
    assert [(a["AlbumName"], a["AlbumDescription"]) for a in listed(aw)] == [("Summer", "Renamed")]
    assert (aw.albums(100001)[0]["PinNumber"], aw.albums(100001)[0]["PINPrice"]) == ("Xy7q", "2.5")
    assert aw.control("GET", "stats")["albums_updated"] == 1


def test_update_clears_what_it_is_not_sent(aw):
    # [assumed], as the stand-in's README says: the portal sends every field, so this never decides anything.
    update(aw, {"AlbumID": SEEDED, "Name": "With PIN", "Description": "d", "PinNumber": "Xy7q", "PINPrice": 2})
    update(aw, {"AlbumID": SEEDED, "Name": "Bare"})
    album = aw.albums(100001)[0]
    assert (album["AlbumDescription"], album["PinNumber"], album["PINPrice"]) == (None, None, None)


def test_update_applies_the_create_rules_and_names_a_missing_album_id(aw):
    response = update(aw, {"Name": "", "PinNumber": "abc"})
    assert response.status_code == 400
    assert response.json()["ModelState"] == {
        "request.AlbumID": ["The AlbumID field is required."],
        "request.Name": ["The Name field is required."],
        "request.PinNumber": ["The field PinNumber must match the regular expression '^[A-Za-z0-9]{4}$'."],
        "request.PINPrice": ["The PINPrice is required when setting the PinNumber."],
    }
    assert aw.albums(100001)[0]["AlbumName"] == "Holiday 2026"


@pytest.mark.parametrize("album_id", ["5000001", 5000001.5, 2**31, True], ids=["string", "fraction", "too-big", "bool"])
def test_album_id_must_be_an_integer(aw, album_id):
    response = update(aw, {"AlbumID": album_id, "Name": "x"})
    assert response.status_code == 400
    assert list(response.json()["ModelState"]) == ["request.AlbumID"]
    assert remove(aw, {"AlbumID": album_id}).status_code == 400


def test_an_album_of_someone_else_or_of_nobody_is_not_found(aw):
    other = aw.create_album({"Name": "theirs"}, token="demo-groupmember-token").json()["AlbumID"]
    for album_id in (other, 999):
        response = update(aw, {"AlbumID": album_id, "Name": "mine now"})
        assert (response.status_code, response.json()) == (404, {"Message": f"Album {album_id} was not found."})
        assert remove(aw, {"AlbumID": album_id}).status_code == 404
    assert [a["AlbumName"] for a in aw.albums(300001)] == ["theirs"]


def test_update_is_a_put_and_remove_a_post(aw):
    assert aw.call("POST", UPDATE, token=MEMBER_TOKEN, json={"AlbumID": SEEDED, "Name": "x"}).status_code == 405
    response = aw.call("DELETE", REMOVE, token=MEMBER_TOKEN, json={"AlbumID": SEEDED})
    assert (response.status_code, response.headers["Allow"]) == (405, "POST")
    assert aw.albums(100001)[0]["AlbumName"] == "Holiday 2026"


def test_writes_need_a_token_and_profile_gallery(aw):
    assert update(aw, {"AlbumID": SEEDED, "Name": "x"}, token="nope").status_code == 401
    assert remove(aw, {"AlbumID": SEEDED}, token="demo-noscope-token").status_code == 403
    assert update(aw, {"AlbumID": SEEDED, "Name": "x"}, token="demo-noscope-token").status_code == 403
    assert len(aw.albums(100001)) == 1


def test_remove_answers_true_and_the_album_is_gone(aw):
    kept = aw.create_album({"Name": "kept"}).json()
    response = remove(aw, {"AlbumID": SEEDED})
    assert (response.status_code, response.json()) == (200, True)
    assert [(a["AlbumName"], a["Sequence"]) for a in listed(aw)] == [("kept", 0)]
    assert kept["Sequence"] == 1  # the gap closes: Sequence stays 0..n-1
    assert remove(aw, {"AlbumID": SEEDED}).status_code == 404  # a second removal finds nothing
    assert aw.control("GET", "stats")["albums_removed"] == 1


def test_remove_answers_xml_as_a_datacontract_boolean(aw):
    response = remove(aw, {"AlbumID": SEEDED}, headers={"Accept": "application/xml"})
    root = ET.fromstring(response.content)
    assert (root.tag, root.text) == ("{http://schemas.microsoft.com/2003/10/Serialization/}boolean", "true")


@pytest.mark.parametrize("value", [True, "true", "TRUE", 1, False, "false", 0, None], ids=str)
def test_remove_all_pictures_reads_as_json_net_reads_a_boolean(aw, value):
    assert remove(aw, {"AlbumID": SEEDED, "RemoveAllPictures": value}).status_code == 200


@pytest.mark.parametrize("value", ["yes", 1.5, [], {}], ids=str)
def test_remove_all_pictures_refuses_what_is_no_boolean(aw, value):
    response = remove(aw, {"AlbumID": SEEDED, "RemoveAllPictures": value})
    assert response.status_code == 400
    assert list(response.json()["ModelState"]) == ["request.RemoveAllPictures"]
    assert len(aw.albums(100001)) == 1


def test_removing_without_its_pictures_keeps_them_in_the_gallery(running_standin, aw):
    state = running_standin.state
    with state.lock:
        state.albums[0].picture_ids, state.albums[0].size = "11,12", 2
    remove(aw, {"AlbumID": SEEDED})
    assert state.loose_picture_ids == {100001: ["11", "12"]}


def test_removing_with_its_pictures_leaves_none(running_standin, aw):
    state = running_standin.state
    with state.lock:
        state.albums[0].picture_ids, state.albums[0].size = "11,12", 2
    remove(aw, {"AlbumID": SEEDED, "RemoveAllPictures": True})
    assert state.loose_picture_ids == {}


def test_manager_updates_and_removes_a_members_album(aw):
    created = aw.call(
        "POST", "/v1/Groups/Pictures/CreateAlbum", token=MANAGER_TOKEN, json={"UserID": 300042, "Name": "For 42"}
    ).json()
    response = update(aw, {"UserID": 300042, "AlbumID": created["AlbumID"], "Name": "Renamed"}, token=MANAGER_TOKEN, path=GROUP_UPDATE)
    assert (response.status_code, response.json()["AlbumName"]) == (200, "Renamed")
    shown = listed(aw, token=MANAGER_TOKEN, user_id=300042, path="/v1/Groups/Pictures/GetAlbums")
    assert [a["AlbumName"] for a in shown] == ["Renamed"]
    assert remove(aw, {"UserID": 300042, "AlbumID": created["AlbumID"]}, token=MANAGER_TOKEN, path=GROUP_REMOVE).json() is True
    assert aw.albums(300042) == []


def test_group_twins_need_a_user_id_and_a_member_of_the_group(aw):
    missing = update(aw, {"AlbumID": SEEDED, "Name": "x"}, token=MANAGER_TOKEN, path=GROUP_UPDATE)
    assert list(missing.json()["ModelState"]) == ["request.UserID"]
    # 100001 owns SEEDED but is in no group: the manager may not touch it.
    outsider = remove(aw, {"UserID": 100001, "AlbumID": SEEDED}, token=MANAGER_TOKEN, path=GROUP_REMOVE)
    assert outsider.status_code == 403
    not_manager = remove(aw, {"UserID": 300001, "AlbumID": SEEDED}, token=MEMBER_TOKEN, path=GROUP_REMOVE)
    assert not_manager.status_code == 403
    assert len(aw.albums(100001)) == 1


def test_group_twin_does_not_reach_an_album_of_another_member(aw):
    theirs = aw.call(
        "POST", "/v1/Groups/Pictures/CreateAlbum", token=MANAGER_TOKEN, json={"UserID": 300002, "Name": "2's"}
    ).json()["AlbumID"]
    response = remove(aw, {"UserID": 300003, "AlbumID": theirs}, token=MANAGER_TOKEN, path=GROUP_REMOVE)
    assert response.status_code == 404
    assert [a["AlbumID"] for a in aw.albums(300002)] == [theirs]


def test_create_keeps_the_pin_it_was_given(aw):
    aw.create_album({"Name": "p", "PinNumber": "Q7rt", "PINPrice": "1.250"})
    assert (aw.albums(100001)[-1]["PinNumber"], aw.albums(100001)[-1]["PINPrice"]) == ("Q7rt", "1.250")


@pytest.mark.parametrize(("method", "path", "body", "names_after"), [
    ("PUT", UPDATE, {"AlbumID": SEEDED, "Name": "slow"}, ["slow"]),
    ("POST", REMOVE, {"AlbumID": SEEDED}, []),
], ids=["update", "remove"])
def test_a_slow_fault_applies_the_change_before_the_client_gives_up(aw, method, path, body, names_after):
    aw.control("POST", "faults", {"kind": "slow", "match": path.rsplit("/", 1)[1], "delay": 0.5})
    with pytest.raises(requests.ReadTimeout):
        aw.call(method, path, token=MEMBER_TOKEN, json=body, timeout=0.1)
    assert [a["AlbumName"] for a in aw.albums(100001)] == names_after


@pytest.mark.parametrize(("kind", "status"), [("error", 500), ("rate_limit", 429), ("drop", None)])
def test_faults_answer_for_update_and_remove_without_changing_anything(aw, kind, status):
    aw.control("POST", "faults", {"kind": kind, "match": "Album"})
    for call in (lambda: update(aw, {"AlbumID": SEEDED, "Name": "x"}), lambda: remove(aw, {"AlbumID": SEEDED})):
        if status is None:
            with pytest.raises(requests.ConnectionError):
                call()
        else:
            assert call().status_code == status
    assert aw.albums(100001)[0]["AlbumName"] == "Holiday 2026"
