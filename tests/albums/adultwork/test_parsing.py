"""Narrow unit tests of body decoding; the client tests cover the same over HTTP."""

import json
from decimal import Decimal

import pytest

from albums.adultwork.parsing import ERROR_MESSAGES_LIMIT, ERROR_TEXT_LIMIT, UnreadableBody, decode_body, error_details
from albums.adultwork.types import PictureAlbum

PICTURE_ALBUM_XML = """<PictureAlbum xmlns:i="http://www.w3.org/2001/XMLSchema-instance"
 xmlns="http://schemas.datacontract.org/2004/07/API.Models.Pictures">
 <AlbumDescription>My new album!</AlbumDescription><AlbumID>1</AlbumID><AlbumName>Look</AlbumName>
 <AlbumSize>0</AlbumSize><PictureIDs i:nil="true" /><Sequence>0</Sequence><ThumbUrl i:nil="true" />
 <UserID>123456</UserID></PictureAlbum>"""


def test_xml_picture_album_as_in_the_documentation():
    album = PictureAlbum.from_data(decode_body("application/xml", PICTURE_ALBUM_XML))
    assert (album.user_id, album.album_id, album.album_name) == (123456, 1, "Look")
    assert album.picture_ids is None and album.thumb_url is None


def test_json_numbers_are_decimals_not_floats():
    assert decode_body("application/json", '{"PINPrice": 1.573}') == {"PINPrice": Decimal("1.573")}


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/html", "<html><body>Bad gateway</body></html>"),
        ("", "<!DOCTYPE html><html></html>"),
        ("application/json", '{"AlbumID": 1,'),
        ("application/json", '{"AlbumID": NaN}'),
        ("application/json", ""),
        ("application/xml", "<PictureAlbum><AlbumID>"),
        ("text/plain", "OK"),
    ],
)
def test_unreadable_bodies_are_refused(content_type, body):
    with pytest.raises(UnreadableBody):
        decode_body(content_type, body)


def test_xml_entities_cannot_expand():
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    with pytest.raises(UnreadableBody):
        decode_body("application/xml", bomb)


@pytest.mark.parametrize("key", ["request.Name", "model.Name", "Name"])
def test_model_state_keys_name_the_field_whatever_the_prefix(key):
    body = json.dumps({"Message": "The request is invalid.", "ModelState": {key: ["Too long."]}})
    assert error_details("application/json", body) == ("The request is invalid.", {"Name": ["Too long."]})


def test_xml_error_message_and_model_state():
    body = "<Error><Message>The request is invalid.</Message><ModelState><request.Name>Required.</request.Name></ModelState></Error>"
    assert error_details("application/xml", body) == ("The request is invalid.", {"Name": ["Required."]})


def test_a_missing_album_id_is_unreadable():
    with pytest.raises(UnreadableBody):
        PictureAlbum.from_data({"UserID": 1, "AlbumName": "x"})


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # ASP.NET Core ProblemDetails: `errors` maps fields to messages.
        ({"title": "One or more validation errors occurred.", "status": 422, "errors": {"Name": ["Too long."], "$.PINPrice": ["Not a number."]}},
         ("One or more validation errors occurred.", {"Name": ["Too long."], "PINPrice": ["Not a number."]})),
        # `errors` as a list of field objects, and of plain strings.
        ({"errors": [{"field": "name", "message": "Taken."}, {"code": "x", "message": "Slow down."}]},
         ("Slow down.", {"name": ["Taken."]})),
        ({"errors": ["First problem.", "Second problem."]}, ("First problem. Second problem.", {})),
        # JSON:API pointers and FastAPI/Pydantic `detail` lists.
        ({"errors": [{"source": {"pointer": "/data/attributes/Description"}, "detail": "Too long."}]},
         ("", {"Description": ["Too long."]})),
        ({"detail": [{"loc": ["body", "PinNumber"], "msg": "Must be 4 characters.", "type": "value_error"}]},
         ("", {"PinNumber": ["Must be 4 characters."]})),
        # A plain `detail` or `Message`, naming no field.
        ({"detail": "The album name is already used."}, ("The album name is already used.", {})),
        ({"Message": "PINPrice must be at most 100."}, ("PINPrice must be at most 100.", {})),
        # A bare list at the top.
        ([{"PropertyName": "Name", "ErrorMessage": "Required."}], ("", {"Name": ["Required."]})),
    ],
)
def test_refused_input_is_read_in_any_json_shape(body, expected):
    assert error_details("application/json", json.dumps(body)) == expected


def test_error_text_is_one_line_cut_to_a_sentence_and_messages_are_bounded():
    body = {"Message": "x\r\n" + "y" * 10_000, "errors": {f"F{i}": ["bad"] for i in range(10_000)}}
    message, fields = error_details("application/json", json.dumps(body))
    assert len(message) == ERROR_TEXT_LIMIT and message.startswith("x y") and message.endswith("…")
    assert sum(len(m) for m in fields.values()) <= ERROR_MESSAGES_LIMIT


@pytest.mark.parametrize("body", ['{"Message": ' + "9" * 5000 + "}", '{"errors": {"Name": [true, null, {"a": []}]}}', "[[[]]]"])
def test_odd_error_bodies_say_nothing_rather_than_fail(body):
    assert error_details("application/json", body) == ("", {})
