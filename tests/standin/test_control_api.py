"""The /_standin/ control API, latency, request log and connection statistics."""

import base64
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from .conftest import MEMBER_TOKEN

VERIFY = "/v1/account/verifyCredentials"


def test_reset_restores_the_demo_world(aw):
    aw.create_album({"Name": "gone after reset"})
    jpeg = base64.b64encode(b"\xff\xd8\xff\xe0\x00\x02\xff\xd9").decode()
    aw.call("POST", "/v1/Pictures/AddPictures", token=MEMBER_TOKEN, json={"AlbumID": 5000001, "Pictures": [{"Image": jpeg}]})
    aw.control("POST", "config", {"latency": 0.01, "modelstate_prefix": "", "force_format": "xml", "require_pkce": True})
    aw.control("POST", "faults", {"kind": "error", "match": "nothing-matches"})
    aw.control("POST", "clients", {"client_id": "extra", "client_secret": "s", "redirect_uris": ["http://x/cb"]})
    issued = aw.control("POST", "tokens", {"user_id": 100001})
    aw.control("POST", "group-members", {"group_id": 9001, "remove": [300001]})
    aw.control("POST", "reset")
    assert [a["AlbumName"] for a in aw.albums()] == ["Holiday 2026"]
    assert aw.control("GET", "config") == {
        "latency": 0.0,
        "access_token_lifetime": 1200,
        "refresh_token_lifetime": 14 * 86400,
        "modelstate_prefix": "request.",
        "force_format": None,
        "require_pkce": False,
        "login_url": None,
        "picture_max_bytes": 20 * 1024 * 1024,
        "pictures_max_request_bytes": 200 * 1024 * 1024,
    }
    assert aw.control("GET", "faults") == []
    assert aw.control("GET", "requests") == []
    assert aw.control("GET", "stats") == {
        "connections_opened": 0,
        "requests": 0,
        "albums_created": 0,
        "albums_updated": 0,
        "albums_removed": 0,
        "pictures_added": 0,
    }
    assert aw.control("GET", "pictures") == []
    assert aw.call("GET", VERIFY, token=issued["access_token"]).status_code == 401
    assert aw.call("GET", VERIFY, token=MEMBER_TOKEN).status_code == 200
    created = aw.create_album({"Name": "first again"}).json()
    assert created["AlbumID"] == 5000002
    details = aw.call("GET", "/v1/groups/getGroupDetails?GroupID=9001&apiKey=demo-api-key").json()
    assert details["MemberCount"] == 120


def test_config_update_is_partial_and_returns_the_whole_config(aw):
    config = aw.control("POST", "config", {"access_token_lifetime": 60})
    assert (config["access_token_lifetime"], config["modelstate_prefix"]) == (60, "request.")


@pytest.mark.parametrize(
    "change",
    [{"latency": -1}, {"modelstate_prefix": "body."}, {"force_format": "yaml"}, {"access_token_lifetime": 0}, {"require_pkce": "yes"}, {"login_url": "ftp://x"}, {"colour": 1}],
)
def test_invalid_config_is_refused_and_changes_nothing(aw, change):
    response = requests.post(f"{aw.url}/_standin/config", json={"latency": 0.5, **change}, timeout=5)
    assert response.status_code == 400
    assert aw.control("GET", "config")["latency"] == 0.0


def test_latency_delays_answers_without_serialising_concurrent_requests(aw):
    aw.control("POST", "config", {"latency": 0.2})
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=5) as pool:
        statuses = list(pool.map(lambda _: aw.call("GET", VERIFY, token=MEMBER_TOKEN).status_code, range(10)))
    elapsed = time.monotonic() - started
    assert statuses == [200] * 10
    # Two rounds of five overlapping 0.2 s waits; one after another would take 2 s.
    assert 0.4 <= elapsed < 1.2


def test_latency_spares_the_control_api_and_the_login_page(aw):
    aw.control("POST", "config", {"latency": 0.5})
    started = time.monotonic()
    aw.control("GET", "stats")
    aw.call("GET", "/OAuth/Authorize?client_id=nobody")
    assert time.monotonic() - started < 0.4


def test_keep_alive_session_counts_as_one_connection(aw):
    with requests.Session() as session:
        for _ in range(10):
            assert session.get(aw.url + VERIFY, headers={"Authorization": f"bearer {MEMBER_TOKEN}"}, timeout=5).ok
    stats = aw.control("GET", "stats")
    assert (stats["connections_opened"], stats["requests"]) == (1, 10)


def test_calls_without_a_session_open_a_connection_each(aw):
    for _ in range(3):
        aw.call("GET", VERIFY, token=MEMBER_TOKEN)
    assert aw.control("GET", "stats")["connections_opened"] == 3


def test_stats_count_created_albums(aw):
    aw.create_album({"Name": "one"})
    aw.create_album({"Name": ""})
    assert aw.control("GET", "stats")["albums_created"] == 1


def test_request_log_records_each_api_request_oldest_first(aw):
    aw.call("GET", f"{VERIFY}?A=1&a=2&b=", token=MEMBER_TOKEN)
    aw.create_album({"Name": "logged"})
    aw.call("POST", "/OAuth/token", data={"grant_type": "refresh_token", "refresh_token": "x"})
    first, second, third = aw.control("GET", "requests")
    assert (first["method"], first["path"], first["query"], first["status"]) == ("GET", VERIFY, {"A": "1", "a": "2", "b": ""}, 200)
    assert first["headers"]["Authorization"] == f"bearer {MEMBER_TOKEN}"
    assert (first["body"], first["json"], first["form"]) == ("", None, None)
    assert (second["json"], second["form"], second["status"]) == ({"Name": "logged"}, None, 200)
    assert third["form"] == {"grant_type": "refresh_token", "refresh_token": "x"}
    assert third["status"] == 401
    assert len({entry["connection"] for entry in (first, second, third)}) == 3
    assert aw.control("DELETE", "requests") == []
    assert aw.control("GET", "requests") == []


def test_request_log_shares_a_connection_id_across_a_session(aw):
    with requests.Session() as session:
        for _ in range(2):
            session.get(aw.url + VERIFY, timeout=5)
    first, second = aw.control("GET", "requests")
    assert first["connection"] == second["connection"]


def test_request_log_keeps_repeated_query_names_as_a_list(aw):
    aw.call("GET", f"{VERIFY}?x=1&x=2")
    assert aw.control("GET", "requests")[0]["query"] == {"x": ["1", "2"]}


def test_albums_can_be_filtered_by_user(aw):
    aw.call("POST", "/v1/Groups/Pictures/CreateAlbum", token="demo-manager-token", json={"UserID": 300003, "Name": "m"})
    assert [a["UserID"] for a in aw.albums()] == [100001, 300003]
    assert [a["AlbumName"] for a in aw.albums(300003)] == ["m"]


def test_minted_token_has_the_asked_scopes_and_life(aw):
    issued = aw.control("POST", "tokens", {"user_id": 300002, "scopes": ["account_information"], "expires_in": 30})
    assert issued["expires_in"] == 30
    assert aw.call("GET", VERIFY, token=issued["access_token"]).json()["UserID"] == 300002
    assert aw.create_album({"Name": "x"}, token=issued["access_token"]).status_code == 403
    refreshed = aw.call(
        "POST",
        "/OAuth/token",
        data={"grant_type": "refresh_token", "refresh_token": issued["refresh_token"],
              "client_id": "awportal-demo", "client_secret": "awportal-demo-secret"},
    )
    assert refreshed.status_code == 200


def test_an_access_token_issued_elsewhere_can_be_registered_for_a_user(aw):
    registered = aw.control(
        "POST", "tokens", {"user_id": 200001, "access_token": "from-another-server", "scopes": ["account_information"], "expires_in": 30}
    )
    assert registered == {"access_token": "from-another-server", "token_type": "bearer", "expires_in": 30}
    assert aw.call("GET", VERIFY, token="from-another-server").json()["UserID"] == 200001
    assert aw.create_album({"Name": "x"}, token="from-another-server").status_code == 403
    assert aw.control("POST", "expire", {"token": "from-another-server"}) == {"expired": 1}
    assert aw.call("GET", VERIFY, token="from-another-server").status_code == 401


def test_expire_by_user_ends_issued_tokens_but_not_the_fixed_ones(aw):
    issued = aw.control("POST", "tokens", {"user_id": 100001})
    assert aw.control("POST", "expire", {"user_id": 100001, "what": "both"}) == {"expired": 2}
    assert aw.call("GET", VERIFY, token=issued["access_token"]).status_code == 401
    assert aw.call("GET", VERIFY, token=MEMBER_TOKEN).status_code == 200


def test_expire_one_token_even_a_fixed_one(aw):
    assert aw.control("POST", "expire", {"token": MEMBER_TOKEN}) == {"expired": 1}
    assert aw.call("GET", VERIFY, token=MEMBER_TOKEN).status_code == 401


@pytest.mark.parametrize(
    "name, body",
    [
        ("tokens", {"user_id": 1}),
        ("tokens", {"user_id": 100001, "scopes": ["everything"]}),
        ("tokens", {"user_id": 100001, "access_token": ""}),
        ("tokens", {"user_id": 100001, "access_token": "t", "client_id": "awportal-demo"}),
        ("expire", {"user_id": 100001, "what": "some"}),
        ("clients", {"client_id": "x"}),
        ("group-members", {"group_id": 1}),
        ("group-members", {"group_id": 9001, "add": [{"UserID": "x"}]}),
    ],
)
def test_malformed_control_requests_are_refused(aw, name, body):
    response = requests.post(f"{aw.url}/_standin/{name}", json=body, timeout=5)
    assert response.status_code in (400, 404)
    assert "error" in response.json()


def test_unknown_control_endpoint_is_404(aw):
    assert requests.get(f"{aw.url}/_standin/nothing", timeout=5).status_code == 404


def test_chunked_request_body_is_read(aw):
    chunks = iter([b'{"Name": ', b'"chunked"}'])
    response = aw.call(
        "POST", "/v1/Pictures/CreateAlbum", token=MEMBER_TOKEN, data=chunks, headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, response.json()["AlbumName"]) == (200, "chunked")


@pytest.mark.parametrize(
    "framing",
    [b"Content-Length: abc\r\n\r\n", b"Transfer-Encoding: chunked\r\n\r\nzz\r\n"],
    ids=["bad-content-length", "bad-chunk-size"],
)
def test_unreadable_request_framing_is_400_and_closes_the_connection(aw, framing):
    host, port = aw.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(b"POST /v1/Pictures/CreateAlbum HTTP/1.1\r\nHost: x\r\n" + framing)
        received = b""
        while chunk := connection.recv(4096):
            received += chunk
    assert received.startswith(b"HTTP/1.1 400 ")
    assert b"Connection: close" in received
