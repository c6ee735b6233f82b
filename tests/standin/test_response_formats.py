"""JSON by default, .NET DataContract XML when asked for (or forced)."""

import xml.etree.ElementTree as ET

import pytest

from .conftest import MANAGER_TOKEN, MEMBER_TOKEN

I_NS = "http://www.w3.org/2001/XMLSchema-instance"
PICTURES = "{http://schemas.datacontract.org/2004/07/API.Models.Pictures}"
MODELS = "{http://schemas.datacontract.org/2004/07/API.Models}"
NIL = f"{{{I_NS}}}nil"
XML = {"Accept": "application/xml"}


def local_names(element) -> list[str]:
    return [child.tag.split("}")[1] for child in element]


def test_picture_album_xml_has_the_datacontract_namespace_alphabetical_members_and_nils(aw):
    response = aw.create_album({"Name": "A & <b>", "Description": None}, headers=XML)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{PICTURES}PictureAlbum"
    names = local_names(root)
    assert names == sorted(names) == [
        "AlbumDescription", "AlbumID", "AlbumName", "AlbumSize", "PictureIDs", "Sequence", "ThumbUrl", "UserID",
    ]
    assert root.find(f"{PICTURES}AlbumName").text == "A & <b>"
    assert root.find(f"{PICTURES}AlbumID").text == "5000002"
    for nil in ("AlbumDescription", "ThumbUrl", "PictureIDs"):
        element = root.find(f"{PICTURES}{nil}")
        assert element.get(NIL) == "true" and element.text is None
    assert b'xmlns:i="http://www.w3.org/2001/XMLSchema-instance"' in response.content


def test_album_list_xml_wraps_items_in_array_of_picture_album(aw):
    response = aw.call("GET", "/v1/Pictures/GetAlbums?UserID=100001", token=MEMBER_TOKEN, headers={"Accept": "text/xml"})
    root = ET.fromstring(response.content)
    assert root.tag == f"{PICTURES}ArrayOfPictureAlbum"
    assert [child.tag for child in root] == [f"{PICTURES}PictureAlbum"]
    assert root[0].find(f"{PICTURES}AlbumName").text == "Holiday 2026"


def test_validation_error_xml_carries_model_state(aw):
    response = aw.create_album({"Name": "", "PinNumber": "ab12"}, headers=XML)
    assert response.status_code == 400
    root = ET.fromstring(response.content)
    assert root.tag == "Error"
    assert root.find("Message").text == "The request is invalid."
    assert [(e.tag, e.text) for e in root.find("ModelState")] == [
        ("request.Name", "The Name field is required."),
        ("request.PINPrice", "The PINPrice is required when setting the PinNumber."),
    ]


@pytest.mark.parametrize(
    "method, path, token, status",
    [
        ("POST", "/v1/Pictures/CreateAlbum", None, 401),
        ("POST", "/v1/Pictures/CreateAlbum", "demo-noscope-token", 403),
        ("GET", "/v1/Pictures/Nowhere", None, 404),
        ("GET", "/v1/Pictures/CreateAlbum", None, 405),
    ],
)
def test_plain_errors_in_xml_are_an_error_element_with_a_message(aw, method, path, token, status):
    response = aw.call(method, path, token=token, headers=XML, json={"Name": "a"})
    assert response.status_code == status
    root = ET.fromstring(response.content)
    assert root.tag == "Error"
    assert [child.tag for child in root] == ["Message"]


def test_verify_credentials_xml_uses_the_models_namespace(aw):
    response = aw.call("GET", "/v1/account/verifyCredentials", token=MANAGER_TOKEN, headers=XML)
    root = ET.fromstring(response.content)
    assert root.tag == f"{MODELS}VerifyCredentials"
    assert local_names(root) == ["GroupID", "GroupName", "IsGroupManager", "UserID", "UserType", "UserTypeID"]
    assert root.find(f"{MODELS}IsGroupManager").text == "true"


def test_verify_credentials_xml_shows_null_group_as_nil(aw):
    root = ET.fromstring(aw.call("GET", "/v1/account/verifyCredentials", token=MEMBER_TOKEN, headers=XML).content)
    assert root.find(f"{MODELS}GroupID").get(NIL) == "true"


def test_permissions_and_group_details_xml(aw):
    permissions = ET.fromstring(aw.call("GET", "/v1/Account/GetPermissions", token=MEMBER_TOKEN, headers=XML).content)
    assert permissions.tag == f"{MODELS}Permissions"
    items = permissions.find(f"{MODELS}Permissions")
    assert [item.find(f"{MODELS}Permission").text for item in items] == ["userid", "profile_gallery", "account_information"]
    details = aw.call(
        "GET", "/v1/groups/getGroupDetails?GroupID=9001&ReturnMembers=true&MembersPerPage=2&apiKey=demo-api-key", headers=XML
    )
    root = ET.fromstring(details.content)
    assert root.tag == f"{MODELS}GroupDetails"
    assert local_names(root) == sorted(local_names(root))
    members = root.find(f"{MODELS}Members")
    assert [m.find(f"{MODELS}Nickname").text for m in members] == ["member001", "member002"]


@pytest.mark.parametrize(
    "accept, xml",
    [
        (None, False),
        ("*/*", False),
        ("application/json", False),
        ("application/xml", True),
        ("text/xml", True),
        ("application/json, application/xml", False),
        ("application/xml, application/json", True),
        ("application/json;q=0.5, application/xml", True),
        ("application/xml;q=0", False),
        ("text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8", True),
    ],
)
def test_format_follows_the_accept_header(aw, accept, xml):
    headers = {"Accept": accept} if accept else {}
    response = aw.call("GET", "/v1/account/verifyCredentials", token=MEMBER_TOKEN, headers=headers)
    assert response.headers["Content-Type"].startswith("application/xml" if xml else "application/json")


@pytest.mark.parametrize("forced, accept, expected", [("xml", "application/json", "application/xml"), ("json", "application/xml", "application/json")])
def test_forced_format_ignores_accept(aw, forced, accept, expected):
    aw.control("POST", "config", {"force_format": forced})
    response = aw.call("GET", "/v1/account/verifyCredentials", token=MEMBER_TOKEN, headers={"Accept": accept})
    assert response.headers["Content-Type"].startswith(expected)


def test_non_ascii_names_come_back_as_utf8_in_both_formats(aw):
    name = "Ünïcødé \U0001f600"
    assert aw.create_album({"Name": name}).json()["AlbumName"] == name
    root = ET.fromstring(aw.create_album({"Name": name}, headers=XML).content)
    assert root.find(f"{PICTURES}AlbumName").text == name


def test_control_characters_in_xml_are_written_as_character_references(aw):
    response = aw.create_album({"Name": "tab\tcr\r"}, headers=XML)
    assert b"<AlbumName>tab\tcr&#xD;</AlbumName>" in response.content
    assert ET.fromstring(response.content).find(f"{PICTURES}AlbumName").text == "tab\tcr\r"
