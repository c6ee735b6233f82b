"""The create pages (albums/views/create.py) through Django's test client, against the stand-in over real HTTP."""

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from albums.forms import AlbumForm, pin_guessable_reason
from albums.models import AlbumRecord
from tests.albums.test_forms import REFUSED
from tests.factories import ConnectionFactory
from tests.support.net import closed_port_url

pytestmark = pytest.mark.django_db

NEW = reverse("album_create")
CREATE = "CreateAlbum"


def submission_key(response) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', response.content.decode()).group(1)


def post_album(client, **fields):
    key = fields.pop("submission_key", None) or submission_key(client.get(NEW))
    return client.post(NEW, {"submission_key": key, "name": "Look", **fields})


def test_creating_an_album_lands_on_the_record_showing_its_album_id(signed_in, standin):
    response = post_album(signed_in, name="Look at my pictures", description="My new album!")

    record = AlbumRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
    page = signed_in.get(response["Location"]).content.decode()
    assert str(record.album_id) in page and "Look at my pictures" in page
    assert record.album_id == standin.albums(100001)[-1]["AlbumID"]


def test_creating_an_album_costs_a_fixed_handful_of_queries(signed_in, standin, django_assert_num_queries):
    key = submission_key(signed_in.get(NEW))

    # session, user (with the connection, and whether a second factor is owed: accounts/backends.py);
    # the claim (savepoint, insert, release); the outcome (savepoint, update, release). The savepoints
    # are the test's transaction's: in a request's autocommit there are none.
    with django_assert_num_queries(8):
        response = post_album(signed_in, submission_key=key)

    assert response.status_code == 302


def test_a_refused_form_sends_nothing_and_keeps_the_input(signed_in, standin):
    response = post_album(signed_in, name="x" * 21, description="Keep me", pin_number="12")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="' + "x" * 21 + '"' in page and "Keep me" in page
    assert 'value="12"' not in page and "type it again" in page  # the PIN is never echoed back
    assert "Use at most 20 characters" in page and "exactly 4 letters or digits" in page
    assert standin.requests("createalbum") == []
    assert not AlbumRecord.objects.exists()


@pytest.mark.parametrize(("fields", "field"), REFUSED)
def test_every_form_rule_refuses_before_anything_is_sent(signed_in, standin, fields, field):
    response = post_album(signed_in, **fields)

    assert response.context["form"].errors[field]
    assert standin.requests("createalbum") == []
    assert not AlbumRecord.objects.exists()


@dataclass(frozen=True)
class Case:
    """One row of the fault matrix: what goes wrong, what the history records, what the user reads."""

    name: str
    fault: dict | None
    history: str
    says: str = ""
    token: str = "demo-member-token"
    unreachable: bool = False


FAULT_MATRIX = [
    Case("400 without ModelState", {"kind": "error", "status": 400, "body": {"Message": "The request is invalid."}},
         "failed", "AdultWork said: The request is invalid. Nothing was created; check the form"),
    Case("401 token refused", None, "failed", "no longer accepts your connection&#39;s access token", token="no-such-token"),
    Case("401 token expired", None, "failed", "no longer accepts your connection&#39;s access token", token="demo-expired-token"),
    Case("403 missing scope", None, "failed", "not granted the profile_gallery permission", token="demo-noscope-token"),
    Case("404", {"kind": "error", "status": 404, "body": {"Message": "No HTTP resource was found."}},
         "failed", "status 404. AdultWork said: No HTTP resource was found. Nothing was created"),
    Case("429 with Retry-After", {"kind": "rate_limit", "retry_after": 12}, "failed", "try again in 12 seconds"),
    Case("429 without Retry-After", {"kind": "rate_limit"}, "failed", "try again in a minute"),
    Case("500 JSON", {"kind": "error", "status": 500}, "unknown", "We cannot tell whether the album was created"),
    Case("502 HTML", {"kind": "html", "status": 502}, "unknown", "answered with an HTML error page. We cannot tell"),
    Case("503 HTML", {"kind": "html", "status": 503}, "failed", "an HTML error page. Nothing was created; try again"),
    Case("504 HTML", {"kind": "html", "status": 504}, "unknown", "an HTML error page. We cannot tell"),
    Case("500 XML error body", {"kind": "xml_error", "status": 500}, "unknown", "AdultWork said: An error has occurred. We cannot"),
    Case("200 malformed JSON, album not stored", {"kind": "malformed_json"}, "unknown", "could not be read (malformed JSON"),
    Case("200 malformed JSON, album stored", {"kind": "malformed_json", "process": True}, "created"),
    Case("200 empty body, album not stored", {"kind": "empty"}, "unknown", "could not be read (empty body)"),
    Case("200 empty body, album stored", {"kind": "empty", "process": True}, "created"),
    Case("connection refused", None, "failed", "could not be reached (no connection). Nothing was created", unreachable=True),
    Case("read timeout, album stored first", {"kind": "slow", "delay": 1.5}, "created"),
    Case("read timeout, request queued", {"kind": "late", "delay": 1.5}, "unknown", "did not answer in time. We cannot tell"),
    Case("connection dropped", {"kind": "drop"}, "unknown", "lost before it answered. We cannot tell"),
]


@pytest.mark.parametrize("case", FAULT_MATRIX, ids=lambda case: case.name)
def test_fault_matrix(client, user, standin, settings, case):
    ConnectionFactory(user=user, access_token=case.token)
    client.force_login(user)
    if case.unreachable:
        settings.AW_API_BASE_URL = closed_port_url()
    if case.fault:
        standin.fault(match=CREATE, **case.fault)

    response = post_album(client, name="Kept name", description="Kept description", pin_number="q9Z4", pin_price="2.5")

    record = AlbumRecord.objects.get()
    assert record.status == case.history
    if case.history == "created":  # the automatic check found the album the lost answer was about
        assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
        assert record.album_id in [album["AlbumID"] for album in standin.albums(100001)]
        return
    page = response.content.decode()
    assert response.status_code == 200 and case.says in page
    assert 'value="Kept name"' in page and "Kept description" in page and 'value="2.5"' in page
    assert "q9Z4" not in page and record.get_absolute_url() in page
    assert len(standin.requests(CREATE)) == (0 if case.unreachable else 1)


@pytest.mark.parametrize("prefix", ["request.", "model.", ""])
@pytest.mark.parametrize(("api_field", "field"), AlbumForm.api_fields.items())
def test_a_field_refused_by_the_api_is_shown_next_to_that_field_whatever_the_key_prefix(signed_in, standin, prefix, api_field, field):
    body = {"Message": "The request is invalid.", "ModelState": {prefix + api_field: ["Not allowed here."]}}
    standin.fault("error", status=400, body=body, match=CREATE)

    response = post_album(signed_in, description="Kept description", pin_number="q9Z4", pin_price="2.5")

    assert response.context["form"].errors[field] == ["Not allowed here."]
    assert "Kept description" in response.content.decode()
    assert AlbumRecord.objects.get().status == AlbumRecord.Status.FAILED


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (422, {"title": "One or more validation errors occurred.", "status": 422, "errors": {"Name": ["Not allowed here."]}}),
        (400, {"errors": [{"field": "Name", "message": "Not allowed here."}]}),
        (422, {"detail": [{"loc": ["body", "Name"], "msg": "Not allowed here.", "type": "value_error"}]}),
    ],
)
def test_refused_input_in_any_json_shape_is_shown_next_to_its_field(signed_in, standin, status, body):
    standin.fault("error", status=status, body=body, match=CREATE)

    response = post_album(signed_in, description="Kept description")

    assert response.context["form"].errors["name"] == ["Not allowed here."]
    page = response.content.decode()
    assert "Kept description" in page and "try again in a moment" not in page
    assert AlbumRecord.objects.get().status == AlbumRecord.Status.FAILED


@pytest.mark.parametrize(
    "body", [{"detail": "Albums are closed on Sundays."}, {"Message": "Albums are closed on Sundays."}, ["Albums are closed on Sundays."]]
)
@pytest.mark.parametrize("status", [400, 422])
def test_refused_input_naming_no_field_is_shown_at_the_top_as_refused_not_as_a_hiccup(signed_in, standin, status, body):
    standin.fault("error", status=status, body=body, match=CREATE)

    response = post_album(signed_in, description="Kept description")

    page = response.content.decode()
    assert "Albums are closed on Sundays." in response.context["form"].non_field_errors()[0]
    assert "check the form and send it again" in page and "try again in a moment" not in page
    assert AlbumRecord.objects.get().status == AlbumRecord.Status.FAILED


def test_after_an_unknown_outcome_sending_the_same_form_again_sends_nothing(signed_in, standin):
    standin.fault("error", status=500, times=1)
    key = submission_key(signed_in.get(NEW))
    first = post_album(signed_in, submission_key=key)
    assert submission_key(first) == key  # the form keeps its key, so a resubmit is the same attempt

    again = post_album(signed_in, submission_key=key)

    assert again.status_code == 302 and again["Location"] == AlbumRecord.objects.get().get_absolute_url()
    assert len(standin.requests("createalbum")) == 1


def test_after_a_certain_failure_the_form_can_be_sent_again(signed_in, standin):
    standin.fault("html", status=503, times=1)
    key = submission_key(signed_in.get(NEW))
    first = post_album(signed_in, submission_key=key)
    assert submission_key(first) != key

    again = post_album(signed_in, submission_key=submission_key(first))

    assert again.status_code == 302
    assert list(AlbumRecord.objects.values_list("status", flat=True).order_by("id")) == ["failed", "created"]


def test_going_back_and_sending_a_form_that_worked_again_sends_nothing(signed_in, standin):
    key = submission_key(signed_in.get(NEW))
    first = post_album(signed_in, submission_key=key)

    again = post_album(signed_in, submission_key=key, name="Changed my mind")

    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert len(standin.requests(CREATE)) == 1 and AlbumRecord.objects.get().name == "Look"


def test_a_guessable_pin_is_refused_with_a_suggestion_and_nothing_is_sent(signed_in, standin):
    page = post_album(signed_in, pin_number="1234", pin_price="2").content.decode()

    assert "This PIN is easy to guess (a straight run)" in page
    assert 'id="id_pin_number_error"' in page and 'aria-describedby="id_pin_number_helptext id_pin_number_error"' in page
    assert standin.requests("createalbum") == []


def test_the_form_suggests_a_generated_pin_for_browsers_without_javascript(signed_in):
    pages = [signed_in.get(NEW).content.decode() for _ in range(2)]
    suggestions = [re.search(r'<strong class="pin">(\w{4})</strong>', page).group(1) for page in pages]
    assert suggestions[0] != suggestions[1]
    assert all(pin_guessable_reason(pin) is None for pin in suggestions)


def test_the_generate_pin_endpoint_answers_fresh_pins_uncached(signed_in):
    answers = [signed_in.get(reverse("pin_suggestion")) for _ in range(2)]
    pins = [answer.json()["pin"] for answer in answers]
    assert pins[0] != pins[1] and all(pin_guessable_reason(pin) is None for pin in pins)
    assert "no-store" in answers[0]["Cache-Control"]
    assert Client().get(reverse("pin_suggestion")).status_code == 302  # signed out: to the sign-in page


def test_creating_without_a_connection_says_to_connect_and_sends_nothing(client, user, standin):
    client.force_login(user)
    response = post_album(client)
    assert "Connect your AdultWork account" in response.content.decode()
    assert standin.requests("createalbum") == []
