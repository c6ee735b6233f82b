"""AddPictures and its group twin: validation, storage, GetAlbums reflecting it, faults, the control API."""

import base64

import pytest

from .conftest import MANAGER_TOKEN, MEMBER_TOKEN

ADD = "/v1/Pictures/AddPictures"
GROUP_ADD = "/v1/Groups/Pictures/AddPictures"
SEED_ALBUM = 5000001  # demo_member's own album
# The smallest thing the stand-in takes for a JPEG: SOI, a JFIF APP0 segment, a scan header, EOI.
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    b"\xff\xda\x00\x08\x01\x01\x00\x00?\x00\x12\x34\xff\xd9"
)
EXIF_JPEG = JPEG[:2] + b"\xff\xe1\x00\x0eExif\x00\x00II*\x00\x08\x00" + JPEG[2:]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def picture(title="Beach", description="Sunny", image=JPEG) -> dict:
    return {"Title": title, "Description": description, "Image": b64(image) if isinstance(image, bytes) else image}


def add(aw, body, token=MEMBER_TOKEN, path=ADD, **kwargs):
    return aw.call("POST", path, token=token, json=body, **kwargs)


def album(aw, user_id: int, album_id: int) -> dict:
    return next(a for a in aw.albums(user_id) if a["AlbumID"] == album_id)


def test_pictures_are_added_and_their_new_ids_listed(aw):
    response = add(aw, {"AlbumID": SEED_ALBUM, "Pictures": [picture(), picture("Two", None)]})

    assert response.status_code == 200
    assert response.json() == [7000001, 7000002]
    stored = aw.control("GET", "pictures", params={"AlbumID": SEED_ALBUM})
    assert [(p["PictureID"], p["Title"], p["Description"], p["UserID"]) for p in stored] == [
        (7000001, "Beach", "Sunny", 100001),
        (7000002, "Two", None, 100001),
    ]
    assert aw.control("GET", "stats")["pictures_added"] == 2


def test_get_albums_counts_the_pictures_and_lists_their_ids_when_asked(aw):
    add(aw, {"AlbumID": SEED_ALBUM, "Pictures": [picture(), picture()]})
    add(aw, {"AlbumID": SEED_ALBUM, "Pictures": [picture()]})

    with_ids = aw.call("GET", "/v1/Pictures/GetAlbums?UserID=100001&ReturnPictureIDs=true", token=MEMBER_TOKEN)
    without = aw.call("GET", "/v1/Pictures/GetAlbums?UserID=100001", token=MEMBER_TOKEN)

    assert (with_ids.json()[0]["AlbumSize"], with_ids.json()[0]["PictureIDs"]) == (3, "7000001,7000002,7000003")
    assert (without.json()[0]["AlbumSize"], without.json()[0]["PictureIDs"]) == (3, None)


def test_the_ids_come_as_a_datacontract_array_in_xml(aw):
    response = add(aw, {"AlbumID": SEED_ALBUM, "Pictures": [picture()]}, headers={"Accept": "application/xml"})

    assert response.text.startswith("<ArrayOfint ")
    assert 'xmlns="http://schemas.microsoft.com/2003/10/Serialization/Arrays"' in response.text
    assert response.text.endswith("<int>7000001</int></ArrayOfint>")


def test_the_control_api_shows_what_metadata_each_picture_carried_and_its_bytes(aw):
    add(aw, {"AlbumID": SEED_ALBUM, "Pictures": [picture(image=EXIF_JPEG), picture()]})

    stored = aw.control("GET", "pictures", params={"Image": "true"})

    assert [p["Segments"] for p in stored] == [["SOI", "APP1", "APP0", "SOS"], ["SOI", "APP0", "SOS"]]
    assert base64.b64decode(stored[0]["Image"]) == EXIF_JPEG and stored[0]["Bytes"] == len(EXIF_JPEG)
    assert "Image" not in aw.control("GET", "pictures")[0]


def test_a_manager_adds_pictures_to_a_members_album(aw):
    created = aw.call("POST", "/v1/Groups/Pictures/CreateAlbum", token=MANAGER_TOKEN, json={"UserID": 300005, "Name": "x"})
    album_id = created.json()["AlbumID"]

    response = add(aw, {"UserID": 300005, "AlbumID": album_id, "Pictures": [picture()]}, MANAGER_TOKEN, GROUP_ADD)

    assert response.status_code == 200 and response.json() == [7000001]
    assert album(aw, 300005, album_id)["AlbumSize"] == 1


def test_a_manager_cannot_add_to_an_album_of_another_member_or_for_someone_outside_the_group(aw):
    created = aw.call("POST", "/v1/Groups/Pictures/CreateAlbum", token=MANAGER_TOKEN, json={"UserID": 300005, "Name": "x"})
    album_id = created.json()["AlbumID"]

    other_member = add(aw, {"UserID": 300006, "AlbumID": album_id, "Pictures": [picture()]}, MANAGER_TOKEN, GROUP_ADD)
    outsider = add(aw, {"UserID": 100001, "AlbumID": SEED_ALBUM, "Pictures": [picture()]}, MANAGER_TOKEN, GROUP_ADD)
    not_a_manager = add(aw, {"UserID": 300005, "AlbumID": album_id, "Pictures": [picture()]}, MEMBER_TOKEN, GROUP_ADD)

    assert other_member.status_code == 400
    assert other_member.json()["ModelState"] == {"request.AlbumID": [f"Album {album_id} was not found."]}
    assert outsider.status_code == 403 and not_a_manager.status_code == 403
    assert aw.control("GET", "pictures") == []


def test_the_group_twin_needs_a_user_id(aw):
    response = add(aw, {"AlbumID": SEED_ALBUM, "Pictures": [picture()]}, MANAGER_TOKEN, GROUP_ADD)

    assert response.json()["ModelState"]["request.UserID"] == ["The UserID field is required."]


def test_an_album_of_someone_else_is_refused_like_one_that_does_not_exist(aw):
    created = aw.call("POST", "/v1/Groups/Pictures/CreateAlbum", token=MANAGER_TOKEN, json={"UserID": 300005, "Name": "x"})

    theirs = add(aw, {"AlbumID": created.json()["AlbumID"], "Pictures": [picture()]})
    missing = add(aw, {"AlbumID": 9999999, "Pictures": [picture()]})

    assert theirs.status_code == missing.status_code == 400
    assert list(theirs.json()["ModelState"]) == list(missing.json()["ModelState"]) == ["request.AlbumID"]


NOT_JPEG = {
    "png": b64(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    "no-eoi": b64(JPEG[:-2]),
    "bare-soi-eoi": b64(b"\xff\xd8\xff\xd9"),
    "gif": b64(b"GIF89a;"),
}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"Pictures": [picture()]}, "AlbumID", "The AlbumID field is required."),
        ({"AlbumID": "5000001", "Pictures": [picture()]}, "AlbumID", "Error converting value"),
        ({"AlbumID": SEED_ALBUM}, "Pictures", "The Pictures field is required."),
        ({"AlbumID": SEED_ALBUM, "Pictures": []}, "Pictures", "The Pictures field is required."),
        ({"AlbumID": SEED_ALBUM, "Pictures": {"Image": b64(JPEG)}}, "Pictures", "must be an array"),
        ({"AlbumID": SEED_ALBUM, "Pictures": ["x"]}, "Pictures[0]", "must be an object"),
        ({"AlbumID": SEED_ALBUM, "Pictures": [{"Title": "t"}]}, "Pictures[0].Image", "The Image field is required."),
        ({"AlbumID": SEED_ALBUM, "Pictures": [picture(image=12)]}, "Pictures[0].Image", "must be a base64 string"),
        ({"AlbumID": SEED_ALBUM, "Pictures": [picture(image="not base64!")]}, "Pictures[0].Image", "not valid base64"),
        ({"AlbumID": SEED_ALBUM, "Pictures": [picture(image=b64(JPEG)[:-1])]}, "Pictures[0].Image", "not valid base64"),
        ({"AlbumID": SEED_ALBUM, "Pictures": [picture(title=5)]}, "Pictures[0].Title", "must be a string"),
        *(
            ({"AlbumID": SEED_ALBUM, "Pictures": [picture(), picture(image=image)]}, "Pictures[1].Image", "not a JPEG")
            for image in NOT_JPEG.values()
        ),
    ],
)
def test_refused_bodies_name_the_field_and_store_nothing(aw, body, field, message):
    response = add(aw, body)

    assert response.status_code == 400
    assert message in response.json()["ModelState"][f"request.{field}"][0]
    assert aw.control("GET", "pictures") == []
    assert album(aw, 100001, SEED_ALBUM)["AlbumSize"] == 0


def test_a_body_that_is_not_a_json_object_is_refused_without_model_state(aw):
    response = aw.call("POST", ADD, token=MEMBER_TOKEN, data=b"[1,2]", headers={"Content-Type": "application/json"})

    assert response.status_code == 400 and response.json() == {"Message": "The request is invalid."}


def test_size_limits_per_picture_and_per_request_are_settings(aw):
    aw.control("POST", "config", {"picture_max_bytes": len(JPEG)})
    over = add(aw, {"AlbumID": SEED_ALBUM, "Pictures": [picture(), picture(image=EXIF_JPEG)]})
    aw.control("POST", "config", {"pictures_max_request_bytes": 100})
    too_long = add(aw, {"AlbumID": SEED_ALBUM, "Pictures": [picture()]})

    assert over.status_code == 400
    assert over.json()["ModelState"] == {"request.Pictures[1].Image": [f"The picture is larger than {len(JPEG)} bytes."]}
    assert too_long.status_code == 413 and too_long.json() == {"Message": "Maximum request length exceeded."}
    assert aw.control("GET", "pictures") == []


def test_add_pictures_needs_a_token_with_profile_gallery(aw):
    body = {"AlbumID": SEED_ALBUM, "Pictures": [picture()]}

    assert add(aw, body, token=None).status_code == 401
    assert add(aw, body, token="demo-noscope-token").status_code == 403


def test_a_fault_after_processing_leaves_the_pictures_stored(aw):
    """The case the portal must never resend blindly: 500, yet the pictures are in the album."""
    aw.control("POST", "faults", {"kind": "error", "match": "addpictures", "process": True, "times": 1})

    failed = add(aw, {"AlbumID": SEED_ALBUM, "Pictures": [picture()]})
    listed = aw.call("GET", "/v1/Pictures/GetAlbums?UserID=100001&ReturnPictureIDs=true", token=MEMBER_TOKEN)

    assert failed.status_code == 500
    assert listed.json()[0]["PictureIDs"] == "7000001"


def test_paths_are_matched_without_regard_to_case(aw):
    response = add(aw, {"albumid": SEED_ALBUM, "pictures": [{"image": b64(JPEG)}]}, path="/V1/PICTURES/addpictures/")

    assert response.status_code == 200 and response.json() == [7000001]
