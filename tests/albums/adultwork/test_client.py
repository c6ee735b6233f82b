"""The AdultWork client over real HTTP against the stand-in."""

import json
import logging
from decimal import Decimal

import pytest

from albums import adultwork as aw
from albums.adultwork.client import _new_session
from albums.errors import portal_error_from
from tests.support.net import closed_port_url
from tests.support.waiting import wait_for

MEMBER_TOKEN = "demo-member-token"
MANAGER_TOKEN = "demo-manager-token"


@pytest.fixture
def client_for(standin):
    def make(token: str = MEMBER_TOKEN, **kwargs) -> aw.AdultWorkClient:
        return aw.AdultWorkClient(base_url=standin.url, access_token=token, timeout=(1.0, 1.0), **kwargs)

    return make


ALBUM = aw.AlbumInput(name="Look at my pictures", description="My new album!")
PRICED = aw.AlbumInput(name="Paid", pin_number="x7Q2", pin_price=Decimal("1.573"))


def test_album_create_returns_the_album_read_from_json(client_for, standin):
    album = client_for().album_create(album=ALBUM)

    assert album.user_id == 100001
    assert album.album_name == "Look at my pictures"
    assert album.album_description == "My new album!"
    assert album.thumb_url is None and album.picture_ids is None
    assert [a["AlbumID"] for a in standin.albums(100001)].count(album.album_id) == 1


def test_album_create_reads_the_same_album_from_xml(client_for, standin):
    standin.config(force_format="xml")

    album = client_for().album_create(album=ALBUM)

    assert album.album_name == "Look at my pictures"
    assert album.album_size == 0 and album.sequence is not None
    assert album.thumb_url is None
    assert standin.requests("createalbum")[-1]["status"] == 200


def test_album_create_sends_the_documented_request(client_for, standin):
    client_for().album_create(album=PRICED)

    sent = standin.requests("createalbum")[-1]
    assert sent["method"] == "POST"
    assert sent["headers"]["Authorization"] == f"Bearer {MEMBER_TOKEN}"
    assert sent["headers"]["Accept"] == "application/json"
    assert '"PINPrice":1.573' in sent["body"]  # an exact decimal, never 1.5729999...
    assert json.loads(sent["body"]) == {"Name": "Paid", "PinNumber": "x7Q2", "PINPrice": 1.573}


def test_album_create_for_a_member_puts_userid_in_the_body_of_the_groups_endpoint(client_for, standin):
    album = client_for(MANAGER_TOKEN).album_create(album=ALBUM, member_id=300007)

    sent = standin.requests("createalbum")[-1]
    assert sent["path"].lower() == "/v1/groups/pictures/createalbum"
    assert sent["json"]["UserID"] == 300007
    assert sent["headers"]["Authorization"] == f"Bearer {MANAGER_TOKEN}"
    assert album.user_id == 300007


@pytest.mark.parametrize("prefix", ["request.", "model.", ""])
def test_refused_input_carries_field_messages_whatever_the_key_prefix(client_for, standin, prefix):
    standin.config(modelstate_prefix=prefix)

    with pytest.raises(aw.InvalidRequest) as caught:
        client_for().album_create(album=aw.AlbumInput(name="x" * 21, pin_number="12"))

    assert set(caught.value.field_errors) >= {"Name", "PinNumber"}
    assert caught.value.status == 400


def test_a_422_is_refused_input_with_its_detail_and_nothing_more_to_wait_for(client_for, standin):
    standin.fault("error", status=422, body={"detail": "Name is taken."}, match="CreateAlbum")

    with pytest.raises(aw.InvalidRequest) as caught:
        client_for().album_create(album=ALBUM)

    assert caught.value.status == 422 and caught.value.message == "AdultWork refused the request. AdultWork said: Name is taken."
    assert portal_error_from(caught.value).message.endswith("Nothing was created; check the form and send it again.")


def test_unknown_token_is_not_authorised(client_for):
    with pytest.raises(aw.NotAuthorised):
        client_for("no-such-token").album_create(album=ALBUM)


def test_token_without_profile_gallery_is_a_missing_scope(client_for):
    with pytest.raises(aw.MissingScope) as caught:
        client_for("demo-noscope-token").album_create(album=ALBUM)
    assert caught.value.scope == "profile_gallery"


def test_acting_for_someone_outside_the_group_is_forbidden_and_explained(client_for):
    with pytest.raises(aw.Forbidden) as caught:
        client_for(MANAGER_TOKEN).album_create(album=ALBUM, member_id=400001)
    assert not isinstance(caught.value, aw.MissingScope)
    assert portal_error_from(caught.value).message == (
        "AdultWork does not allow this. AdultWork said: User 400001 is not a member of your group. Nothing was created."
    )


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [(7, 7.0), (None, None), ("\u00b2", None), ("soon", None), ("9" * 400, float("inf")), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_rate_limit_reports_retry_after(client_for, standin, retry_after, expected):
    standin.fault("rate_limit", retry_after=retry_after)
    with pytest.raises(aw.RateLimited) as caught:
        client_for().album_create(album=ALBUM)
    assert caught.value.retry_after == expected


def test_a_retry_after_date_years_ahead_is_read_as_a_date_and_told_as_later(client_for, standin):
    standin.fault("rate_limit", retry_after="Fri, 31 Dec 2099 23:59:59 GMT")
    with pytest.raises(aw.RateLimited) as caught:
        client_for().album_create(album=ALBUM)
    assert caught.value.retry_after > 2_000_000_000
    assert portal_error_from(caught.value).message.endswith("try again later.")


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ({"kind": "error", "status": 500}, aw.OutcomeUnknown),
        ({"kind": "html", "status": 502}, aw.OutcomeUnknown),
        ({"kind": "html", "status": 504}, aw.OutcomeUnknown),
        ({"kind": "html", "status": 503}, aw.RemoteUnavailable),
        ({"kind": "xml_error", "status": 500}, aw.OutcomeUnknown),
        ({"kind": "malformed_json"}, aw.OutcomeUnknown),
        ({"kind": "empty"}, aw.OutcomeUnknown),
        ({"kind": "error", "status": 404}, aw.NotFound),
        ({"kind": "drop"}, aw.OutcomeUnknown),
    ],
)
def test_each_failed_write_is_typed_by_whether_it_may_have_happened(client_for, standin, fault, expected):
    standin.fault(**fault)
    with pytest.raises(expected):
        client_for().album_create(album=ALBUM)


def test_xml_error_message_is_read(client_for, standin):
    standin.fault("xml_error", status=500)
    with pytest.raises(aw.OutcomeUnknown) as caught:
        client_for().album_create(album=ALBUM)
    assert "An error has occurred." in caught.value.message


def test_a_write_that_times_out_is_unknown_and_may_well_have_happened(client_for, standin):
    standin.fault("slow", delay=1.6)

    with pytest.raises(aw.OutcomeUnknown):
        client_for().album_create(album=ALBUM)

    assert wait_for(lambda: any(a["AlbumName"] == ALBUM.name for a in standin.albums(100001)))


def test_a_read_that_fails_is_unavailable_and_safe_to_repeat(client_for, standin):
    standin.fault("error", status=500)
    with pytest.raises(aw.RemoteUnavailable):
        client_for().albums_list(user_id=100001)


def test_nothing_listening_is_unavailable_not_unknown():
    client = aw.AdultWorkClient(base_url=closed_port_url(), access_token=MEMBER_TOKEN, timeout=(1, 1))
    with pytest.raises(aw.RemoteUnavailable):
        client.album_create(album=ALBUM)


def test_credentials_and_permissions_of_a_group_manager(client_for):
    client = client_for(MANAGER_TOKEN)

    credentials = client.credentials_verify()

    assert credentials.user_id == 200001
    assert credentials.group_id == 9001 and credentials.is_group_manager
    assert {"profile_gallery", "account_information"} <= client.permissions_get()


def test_permissions_without_profile_gallery(client_for):
    assert "profile_gallery" not in client_for("demo-noscope-token").permissions_get()


@pytest.mark.parametrize("force_format", [None, "xml"])
def test_albums_list_in_json_and_xml(client_for, standin, force_format):
    client = client_for()
    client.album_create(album=ALBUM)
    standin.config(force_format=force_format)

    names = [album.album_name for album in client.albums_list(user_id=100001)]

    assert "Holiday 2026" in names and ALBUM.name in names


def test_calls_reuse_one_pooled_connection(client_for, standin):
    client = client_for(session=_new_session())
    for _ in range(10):
        client.credentials_verify()
    assert standin.stats()["connections_opened"] == 1


@pytest.fixture
def proxy_environment(monkeypatch):
    """No proxy variable from the machine; the test sets its own."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


def test_the_environments_proxy_is_used_and_read_once_per_origin(client_for, standin, proxy_environment):
    proxy_environment.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    client = client_for(session=_new_session())
    with pytest.raises(aw.AdultWorkError):
        client.credentials_verify()

    proxy_environment.setenv("NO_PROXY", "127.0.0.1")  # a running process's environment does not change
    with pytest.raises(aw.AdultWorkError):
        client.credentials_verify()
    assert standin.stats()["connections_opened"] == 0


def test_no_proxy_in_the_environment_lets_calls_go_straight(client_for, standin, proxy_environment):
    proxy_environment.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    proxy_environment.setenv("NO_PROXY", "127.0.0.1")

    assert client_for(session=_new_session()).credentials_verify().user_id


def test_tokens_never_reach_messages_or_logs(client_for, standin, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "demo-member-token"
    failures = []
    for fault in ({"kind": "error", "status": 500}, {"kind": "html", "status": 502}, {"kind": "drop"}):
        standin.fault(times=1, **fault)
        with pytest.raises(aw.AdultWorkError) as caught:
            client_for(secret).album_create(album=ALBUM)
        failures.append(caught.value)
    with pytest.raises(aw.NotAuthorised) as caught:
        client_for("secret-looking-bad-token").album_create(album=ALBUM)
    failures.append(caught.value)

    text = " ".join(f"{f} {f!r} {f.args}" for f in failures) + caplog.text + repr(client_for(secret))
    assert secret not in text and "secret-looking-bad-token" not in text


@pytest.fixture
def keyed(standin):
    def make(api_key: str = "demo-api-key") -> aw.AdultWorkClient:
        return aw.AdultWorkClient(base_url=standin.url, api_key=api_key, timeout=(1.0, 1.0))

    return make


@pytest.mark.parametrize("force_format", [None, "xml"])
def test_group_members_list_reads_every_page_of_group_details(keyed, standin, force_format):
    standin.config(force_format=force_format)

    members = keyed().group_members_list(group_id=9001)

    assert [m.user_id for m in members] == list(range(300001, 300121))
    assert members[41] == aw.GroupMember(user_id=300042, nickname="member042")
    asked = [r["query"] for r in standin.requests("getgroupdetails")]
    assert [(q["PageNumber"], q["MembersPerPage"], q["ReturnMembers"], q["GroupID"]) for q in asked] == [
        ("1", "100", "true", "9001"),
        ("2", "100", "true", "9001"),
    ]
    assert all(q["apiKey"] == "demo-api-key" for q in asked)


def test_group_members_list_of_a_group_with_one_member(keyed, standin):
    standin.config(force_format="xml")  # one member is one element, not a list, in DataContract XML
    assert keyed().group_members_list(group_id=9002) == [aw.GroupMember(user_id=400001, nickname="outsider")]


def test_group_members_list_with_a_wrong_key_is_not_authorised_and_never_shows_the_key(keyed, standin, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(aw.NotAuthorised) as caught:
        keyed("secret-looking-api-key").group_members_list(group_id=9001)
    assert "secret-looking-api-key" not in f"{caught.value} {caught.value!r} {caplog.text}"


def test_group_members_list_of_an_unknown_group_is_unavailable(keyed):
    with pytest.raises(aw.RemoteUnavailable, match="was not found"):
        keyed().group_members_list(group_id=1234)
