"""UpdateAlbum and RemoveAlbum through the client, over real HTTP against the stand-in."""

import json
from decimal import Decimal

import pytest

from albums import adultwork as aw

MEMBER_TOKEN = "demo-member-token"
MANAGER_TOKEN = "demo-manager-token"
SEEDED = 5000001  # the stand-in's demo album of member 100001


@pytest.fixture
def client_for(standin):
    def make(token: str = MEMBER_TOKEN) -> aw.AdultWorkClient:
        return aw.AdultWorkClient(base_url=standin.url, access_token=token, timeout=(1.0, 1.0))

    return make


def test_album_update_sends_every_field_and_returns_the_album(client_for, standin):
    album = client_for().album_update(album_id=SEEDED, album=aw.AlbumInput(name="Renamed"))

    assert (album.album_id, album.album_name, album.album_description) == (SEEDED, "Renamed", "")
    sent = standin.requests("updatealbum")[-1]
    assert sent["method"] == "PUT" and sent["path"] == "/v1/Pictures/UpdateAlbum"
    # Nothing left out: what UpdateAlbum does with an omitted field is undocumented.
    assert json.loads(sent["body"]) == {
        "AlbumID": SEEDED, "Name": "Renamed", "Description": "", "PinNumber": None, "PINPrice": None
    }


def test_album_update_sets_a_pin_with_an_exact_price(client_for, standin):
    priced = aw.AlbumInput(name="Paid", description="d", pin_number="x7Q2", pin_price=Decimal("1.573"))
    client_for().album_update(album_id=SEEDED, album=priced)

    assert '"PINPrice":1.573' in standin.requests("updatealbum")[-1]["body"]
    assert (standin.albums(100001)[0]["PinNumber"], standin.albums(100001)[0]["PINPrice"]) == ("x7Q2", "1.573")


def test_album_update_for_a_member_uses_the_groups_twin(client_for, standin):
    manager = client_for(MANAGER_TOKEN)
    created = manager.album_create(album=aw.AlbumInput(name="For 42"), member_id=300042)

    album = manager.album_update(album_id=created.album_id, album=aw.AlbumInput(name="Renamed"), member_id=300042)

    assert (album.user_id, album.album_name) == (300042, "Renamed")
    sent = standin.requests("updatealbum")[-1]
    assert sent["path"] == "/v1/Groups/Pictures/UpdateAlbum" and sent["json"]["UserID"] == 300042


def test_album_update_reads_an_xml_answer(client_for, standin):
    standin.config(force_format="xml")
    assert client_for().album_update(album_id=SEEDED, album=aw.AlbumInput(name="X")).album_name == "X"


def test_album_update_refused_carries_the_field_messages(client_for):
    with pytest.raises(aw.InvalidRequest) as caught:
        client_for().album_update(album_id=SEEDED, album=aw.AlbumInput(name="x" * 21))
    assert list(caught.value.field_errors) == ["Name"]


def test_an_album_that_is_not_there_is_not_found(client_for):
    with pytest.raises(aw.NotFound, match="Album 999 was not found"):
        client_for().album_update(album_id=999, album=aw.AlbumInput(name="x"))
    with pytest.raises(aw.NotFound):
        client_for().album_remove(album_id=999, remove_pictures=False)


@pytest.mark.parametrize("force_format", [None, "xml"])
def test_album_remove_sends_the_documented_body_and_reads_true(client_for, standin, force_format):
    standin.config(force_format=force_format)
    assert client_for().album_remove(album_id=SEEDED, remove_pictures=True) is None

    sent = standin.requests("removealbum")[-1]
    assert (sent["method"], sent["json"]) == ("POST", {"AlbumID": SEEDED, "RemoveAllPictures": True})
    assert standin.albums(100001) == []


def test_album_remove_takes_an_empty_answer_as_done(client_for, standin):
    standin.fault("empty", process=True, match="removealbum")
    client_for().album_remove(album_id=SEEDED, remove_pictures=False)
    assert standin.albums(100001) == []


@pytest.mark.parametrize("body", [False, {"Removed": True}, "done"], ids=["false", "object", "text"])
def test_album_remove_answered_with_anything_else_is_unknown(client_for, standin, body):
    standin.fault("error", status=200, body=body, match="removealbum")
    with pytest.raises(aw.OutcomeUnknown):
        client_for().album_remove(album_id=SEEDED, remove_pictures=False)


def test_album_remove_for_a_member_uses_the_groups_twin(client_for, standin):
    manager = client_for(MANAGER_TOKEN)
    created = manager.album_create(album=aw.AlbumInput(name="For 42"), member_id=300042)

    manager.album_remove(album_id=created.album_id, remove_pictures=False, member_id=300042)

    assert standin.requests("removealbum")[-1]["path"] == "/v1/Groups/Pictures/RemoveAlbum"
    assert standin.albums(300042) == []


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ({"kind": "error", "status": 500}, aw.OutcomeUnknown),
        ({"kind": "html", "status": 502}, aw.OutcomeUnknown),
        ({"kind": "html", "status": 503}, aw.RemoteUnavailable),
        ({"kind": "rate_limit"}, aw.RateLimited),
        ({"kind": "drop"}, aw.OutcomeUnknown),
        ({"kind": "slow", "delay": 1.6}, aw.OutcomeUnknown),
    ],
)
def test_failed_edits_and_removals_are_typed_by_whether_they_may_have_happened(client_for, standin, fault, expected):
    standin.fault(match="album", **fault)
    with pytest.raises(expected):
        client_for().album_update(album_id=SEEDED, album=aw.AlbumInput(name="x"))
    with pytest.raises(expected):
        client_for().album_remove(album_id=SEEDED, remove_pictures=False)


def test_albums_list_asks_for_picture_ids_when_wanted(client_for, standin):
    client_for().albums_list(user_id=100001, with_picture_ids=True)
    assert standin.requests("getalbums")[-1]["query"] == {"UserID": "100001", "ReturnPictureIDs": "true"}
