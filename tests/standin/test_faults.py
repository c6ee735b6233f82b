"""Fault rules: every kind of broken answer, and which requests a rule picks."""

import json
import time
import xml.etree.ElementTree as ET

import pytest
import requests

from .conftest import MEMBER_TOKEN

VERIFY = "/v1/account/verifyCredentials"


def add_fault(aw, **rule) -> dict:
    return aw.control("POST", "faults", rule)


def verify(aw, **kwargs) -> requests.Response:
    return aw.call("GET", VERIFY, token=MEMBER_TOKEN, **kwargs)


def test_error_fault_answers_500_with_the_web_api_message(aw):
    add_fault(aw, kind="error")
    response = verify(aw)
    assert (response.status_code, response.json()) == (500, {"Message": "An error has occurred."})


def test_error_fault_takes_a_status_and_a_body(aw):
    add_fault(aw, kind="error", status=503, body={"Message": "Down for maintenance."})
    response = verify(aw)
    assert (response.status_code, response.json()) == (503, {"Message": "Down for maintenance."})


def test_html_fault_answers_a_proxy_error_page(aw):
    add_fault(aw, kind="html")
    response = verify(aw)
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert "502 Bad Gateway" in response.text


def test_malformed_json_fault_answers_200_with_truncated_json(aw):
    add_fault(aw, kind="malformed_json")
    response = verify(aw)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)


def test_empty_fault_answers_an_empty_body(aw):
    add_fault(aw, kind="empty", status=204)
    response = verify(aw)
    assert (response.status_code, response.content) == (204, b"")


def test_xml_error_fault_answers_an_xml_error_element(aw):
    add_fault(aw, kind="xml_error")
    response = verify(aw)
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("application/xml")
    assert ET.fromstring(response.content).find("Message").text == "An error has occurred."


def test_rate_limit_fault_answers_429_with_retry_after(aw):
    add_fault(aw, kind="rate_limit", retry_after=7)
    response = verify(aw)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert set(response.json()) == {"Message"}


def test_rate_limit_fault_without_retry_after_sends_no_header(aw):
    add_fault(aw, kind="rate_limit")
    assert "Retry-After" not in verify(aw).headers


def test_slow_fault_creates_the_album_at_once_but_answers_late(aw):
    add_fault(aw, kind="slow", delay=0.5)
    with pytest.raises(requests.ReadTimeout):
        aw.create_album({"Name": "outcome unknown"}, timeout=0.15)
    assert [a["AlbumName"] for a in aw.albums(100001)] == ["Holiday 2026", "outcome unknown"]


def test_slow_fault_answers_normally_after_the_delay(aw):
    add_fault(aw, kind="slow", delay=0.2)
    response = aw.create_album({"Name": "late"})
    assert (response.status_code, response.json()["AlbumName"]) == (200, "late")


def test_late_fault_creates_the_album_only_after_the_client_gave_up_and_looked(aw):
    add_fault(aw, kind="late", delay=1.2, match="CreateAlbum")
    names = lambda: [album["AlbumName"] for album in aw.albums(100001)]  # noqa: E731

    with pytest.raises(requests.ReadTimeout):
        aw.create_album({"Name": "queued"}, timeout=0.3)

    assert names() == ["Holiday 2026"]
    deadline = time.monotonic() + 5
    while "queued" not in names() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert names() == ["Holiday 2026", "queued"]


def test_late_fault_answers_normally_after_the_delay(aw):
    add_fault(aw, kind="late", delay=0.1)
    response = aw.create_album({"Name": "late"})
    assert (response.status_code, response.json()["AlbumName"]) == (200, "late")


def test_drop_fault_closes_the_connection_without_an_answer(aw):
    add_fault(aw, kind="drop")
    with pytest.raises(requests.ConnectionError):
        aw.create_album({"Name": "never"})
    assert len(aw.albums(100001)) == 1
    assert aw.control("GET", "requests")[-1]["status"] is None


def test_drop_fault_with_process_creates_the_album_then_drops(aw):
    add_fault(aw, kind="drop", process=True)
    with pytest.raises(requests.ConnectionError):
        aw.create_album({"Name": "created anyway"})
    assert aw.albums(100001)[-1]["AlbumName"] == "created anyway"


def test_html_fault_with_process_keeps_the_effect_behind_a_502(aw):
    add_fault(aw, kind="html", process=True, match="createalbum")
    assert aw.create_album({"Name": "behind proxy"}).status_code == 502
    assert aw.albums(100001)[-1]["AlbumName"] == "behind proxy"
    assert aw.control("GET", "stats")["albums_created"] == 1


def test_fault_without_process_has_no_effect(aw):
    add_fault(aw, kind="error")
    aw.create_album({"Name": "not created"})
    assert len(aw.albums(100001)) == 1


def test_times_limits_how_often_a_rule_fires(aw):
    add_fault(aw, kind="error", times=2)
    assert [verify(aw).status_code for _ in range(4)] == [500, 500, 200, 200]
    assert aw.control("GET", "faults")[0]["fired"] == 2


def test_every_fires_on_every_nth_matching_request(aw):
    add_fault(aw, kind="error", every=3)
    assert [verify(aw).status_code for _ in range(6)] == [200, 200, 500, 200, 200, 500]


def test_match_and_method_choose_the_requests(aw):
    add_fault(aw, kind="error", match="CREATEALBUM", method="post")
    assert verify(aw).status_code == 200
    assert aw.call("GET", "/v1/Pictures/CreateAlbum", token=MEMBER_TOKEN).status_code == 405
    assert aw.create_album({"Name": "a"}).status_code == 500


def test_default_match_is_every_api_path_but_not_oauth(aw):
    add_fault(aw, kind="error")
    response = aw.call("POST", "/OAuth/token", data={"grant_type": "x", "client_id": "awportal-demo", "client_secret": "awportal-demo-secret"})
    assert response.status_code == 400


def test_match_can_aim_at_the_token_endpoint(aw):
    add_fault(aw, kind="html", match="/oauth/token", status=503)
    assert aw.call("POST", "/OAuth/token", data={}).status_code == 503


def test_null_fields_take_their_defaults(aw):
    rule = add_fault(aw, kind="error", every=None, times=None, delay=None, process=None, status=None)
    assert (rule["every"], rule["times"], rule["delay"], rule["process"], rule["status"]) == (1, None, 0.0, False, 500)
    assert verify(aw).status_code == 500


def test_first_rule_that_applies_wins(aw):
    add_fault(aw, kind="error", status=501, times=1)
    add_fault(aw, kind="error", status=502)
    assert [verify(aw).status_code for _ in range(3)] == [501, 502, 502]


def test_control_api_is_never_faulted(aw):
    add_fault(aw, kind="drop", match="/")
    assert aw.control("GET", "stats")["requests"] == 0


def test_faults_are_listed_with_counts_and_cleared(aw):
    add_fault(aw, kind="error", match="verify")
    verify(aw)
    [rule] = aw.control("GET", "faults")
    assert (rule["kind"], rule["match"], rule["status"], rule["fired"]) == ("error", "verify", 500, 1)
    assert aw.control("DELETE", "faults") == []
    assert verify(aw).status_code == 200


@pytest.mark.parametrize(
    "rule",
    [{"kind": "meltdown"}, {}, {"kind": "error", "times": 0}, {"kind": "slow", "status": 500},
     {"kind": "error", "delay": -1}, {"kind": "error", "colour": "red"}, {"kind": "error", "status": 100},
     {"kind": "empty", "body": "x"}, {"kind": "error", "process": "yes"}, {"kind": "late", "status": 500},
     {"kind": "late", "body": "x"}],
    ids=["unknown-kind", "no-kind", "zero-times", "slow-with-status", "negative-delay", "unknown-field",
         "informational-status", "empty-with-body", "process-not-bool", "late-with-status", "late-with-body"],
)
def test_malformed_fault_rule_is_refused(aw, rule):
    response = requests.post(f"{aw.url}/_standin/faults", json=rule, timeout=5)
    assert response.status_code == 400
    assert "error" in response.json()


def test_a_request_queued_by_a_late_fault_has_no_effect_after_a_reset(aw):
    """Else an album queued in one test appears in the next test's fresh world."""
    add_fault(aw, kind="late", delay=0.6, match="CreateAlbum")
    with pytest.raises(requests.ReadTimeout):
        aw.create_album({"Name": "queued"}, timeout=0.2)

    aw.control("POST", "reset")
    time.sleep(0.8)

    assert [album["AlbumName"] for album in aw.albums(100001)] == ["Holiday 2026"]
