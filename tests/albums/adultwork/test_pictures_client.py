"""AddPictures through the client, over real HTTP against the stand-in."""

import base64
import io

import pytest
from PIL import Image

from albums import adultwork as aw
from albums.adultwork.parsing import UnreadableBody
from albums.adultwork.pictures import added_picture_ids
from albums.pictures import picture_prepare
from harness.pictures import CAMERA_SERIAL, jpeg_segments, tagged_jpeg

MEMBER_TOKEN = "demo-member-token"
MANAGER_TOKEN = "demo-manager-token"
SEED_ALBUM = 5000001
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xda\x00\x08\x01\x01\x00\x00?\x00\x12\xff\xd9"


@pytest.fixture
def client_for(standin):
    def make(token: str = MEMBER_TOKEN) -> aw.AdultWorkClient:
        return aw.AdultWorkClient(base_url=standin.url, access_token=token, timeout=(1.0, 1.0))

    return make


def pictures(*titles: str) -> list[aw.PictureInput]:
    return [aw.PictureInput(title=title, description=f"About {title}", jpeg=JPEG) for title in titles]


def test_pictures_add_sends_base64_jpegs_and_returns_the_new_ids(client_for, standin):
    ids = client_for().pictures_add(album_id=SEED_ALBUM, pictures=pictures("One", "Two"))

    assert ids == [7000001, 7000002]
    sent = standin.requests("addpictures")[-1]
    assert sent["path"] == "/v1/Pictures/AddPictures"
    assert sent["json"]["AlbumID"] == SEED_ALBUM
    assert sent["json"]["Pictures"][0] == {"Title": "One", "Description": "About One", "Image": base64.b64encode(JPEG).decode()}
    assert [(p["Title"], p["Description"]) for p in standin.pictures(SEED_ALBUM)] == [("One", "About One"), ("Two", "About Two")]


def test_empty_title_and_description_are_left_out(client_for, standin):
    client_for().pictures_add(album_id=SEED_ALBUM, pictures=[aw.PictureInput(title="", description="", jpeg=JPEG)])

    assert set(standin.requests("addpictures")[-1]["json"]["Pictures"][0]) == {"Image"}


def test_the_ids_are_read_from_xml_too(client_for, standin):
    standin.config(force_format="xml")

    assert client_for().pictures_add(album_id=SEED_ALBUM, pictures=pictures("One")) == [7000001]


def test_for_a_member_the_groups_endpoint_gets_the_user_id(client_for, standin):
    album = client_for(MANAGER_TOKEN).album_create(album=aw.AlbumInput(name="Hers"), member_id=300007)

    ids = client_for(MANAGER_TOKEN).pictures_add(album_id=album.album_id, pictures=pictures("One"), member_id=300007)

    sent = standin.requests("addpictures")[-1]
    assert sent["path"] == "/v1/Groups/Pictures/AddPictures" and sent["json"]["UserID"] == 300007
    assert ids == [7000001]


def test_albums_list_shows_picture_ids_only_when_asked(client_for):
    client_for().pictures_add(album_id=SEED_ALBUM, pictures=pictures("One", "Two"))

    plain = client_for().albums_list(user_id=100001)[0]
    detailed = client_for().albums_list(user_id=100001, with_picture_ids=True)[0]

    assert (plain.album_size, plain.picture_ids) == (2, None)
    assert (detailed.album_size, detailed.picture_ids) == (2, "7000001,7000002")


@pytest.mark.parametrize("format", [None, "xml"])
def test_a_refused_picture_is_named_by_its_place_in_the_request(client_for, standin, format):
    standin.config(force_format=format)
    broken = aw.PictureInput(title="Bad", description="", jpeg=b"GIF89a")

    with pytest.raises(aw.InvalidRequest) as refused:
        client_for().pictures_add(album_id=SEED_ALBUM, pictures=[*pictures("Good"), broken])

    assert list(refused.value.field_errors) == ["Pictures[1].Image"]
    assert standin.pictures() == []


def test_an_album_that_is_not_the_users_is_an_invalid_request_on_album_id(client_for):
    with pytest.raises(aw.InvalidRequest) as refused:
        client_for().pictures_add(album_id=123, pictures=pictures("One"))

    assert list(refused.value.field_errors) == ["AlbumID"]


@pytest.mark.parametrize(
    ("fault", "raised"),
    [
        ({"kind": "error", "process": True}, aw.OutcomeUnknown),
        ({"kind": "malformed_json", "process": True}, aw.OutcomeUnknown),
        ({"kind": "slow", "delay": 1.5}, aw.OutcomeUnknown),
        ({"kind": "drop", "process": True}, aw.OutcomeUnknown),
        ({"kind": "error", "status": 503}, aw.RemoteUnavailable),
        ({"kind": "rate_limit", "retry_after": 7}, aw.RateLimited),
    ],
)
def test_failures_say_whether_the_pictures_may_have_been_added(client_for, standin, fault, raised):
    standin.fault(match="addpictures", times=1, **fault)

    with pytest.raises(raised):
        client_for().pictures_add(album_id=SEED_ALBUM, pictures=pictures("One"))

    processed = fault.get("process") or fault["kind"] == "slow"
    assert len(standin.pictures()) == (1 if processed else 0)


def test_a_request_over_the_apis_size_limit_is_refused_as_not_processed(client_for, standin):
    standin.config(pictures_max_request_bytes=100)

    with pytest.raises(aw.RemoteUnavailable, match="413"):
        client_for().pictures_add(album_id=SEED_ALBUM, pictures=pictures("One"))


def test_no_pictures_is_a_programming_error_not_a_request(client_for, standin):
    with pytest.raises(ValueError):
        client_for().pictures_add(album_id=SEED_ALBUM, pictures=[])
    assert standin.requests("addpictures") == []


def test_a_picture_never_shows_its_bytes_when_printed():
    assert repr(aw.PictureInput(title="t", description="", jpeg=JPEG)) == f"<PictureInput 't' {len(JPEG)} bytes>"


@pytest.mark.parametrize(
    ("answer", "ids"),
    [([1, 2], [1, 2]), (["3", "4"], [3, 4]), ({"PictureIDs": "5,6"}, [5, 6]), ({"pictureids": [7]}, [7]), ("8", [8]), ("", [])],
)
def test_the_new_ids_are_read_from_every_plausible_answer(answer, ids):
    assert added_picture_ids(answer) == ids


@pytest.mark.parametrize("answer", [None, {"AlbumID": 1}, [1.5], [True], ["x"], ["-1"], 5])
def test_an_answer_without_readable_ids_is_unreadable(answer):
    with pytest.raises(UnreadableBody):
        added_picture_ids(answer)


def test_a_gps_tagged_photo_prepared_by_the_portal_reaches_adultwork_with_no_metadata(client_for, standin, tmp_path):
    upload = tmp_path / "IMG_0001.JPG"
    upload.write_bytes(tagged_jpeg(orientation=6))
    prepared = picture_prepare(path=upload, file_name="IMG_0001.JPG", max_pixels=1_000_000)

    client_for().pictures_add(
        album_id=SEED_ALBUM, pictures=[aw.PictureInput(title="Home", description="", jpeg=prepared.jpeg)]
    )

    (arrived,) = standin.pictures(SEED_ALBUM, image=True)
    received = base64.b64decode(arrived["Image"])
    assert received == prepared.jpeg
    # Seen by the stand-in's own JPEG reader and by ours: no APP1 (EXIF, XMP), APP13 (IPTC) or COM.
    assert not {"APP1", "APP2", "APP13", "COM"} & set(arrived["Segments"])
    assert not {"APP1", "APP2", "APP13", "COM"} & {name for name, _ in jpeg_segments(received)}
    picture = Image.open(io.BytesIO(received))
    assert not picture.getexif() and CAMERA_SERIAL.encode() not in received
    assert picture.size == (40, 60)  # turned upright before the orientation was dropped
