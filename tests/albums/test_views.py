"""The pages through Django's test client, against the stand-in over real HTTP."""

import re

import pytest
from django.urls import reverse

from albums.models import AlbumRecord, Connection
from tests.albums.test_forms import REFUSED
from tests.factories import AlbumRecordFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = reverse("album_create")


def submission_key(response) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', response.content.decode()).group(1)


def post_album(client, **fields):
    key = fields.pop("submission_key", None) or submission_key(client.get(NEW))
    return client.post(NEW, {"submission_key": key, "name": "Look", **fields})


@pytest.mark.parametrize("name", ["dashboard", "connect", "album_list", "album_create"])
def test_pages_need_signing_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_sign_in_page_signs_in(client):
    UserFactory(username="ann")
    response = client.post(reverse("login"), {"username": "ann", "password": "portal-password-1"})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")


def test_creating_an_album_lands_on_the_record_showing_its_album_id(signed_in, standin):
    response = post_album(signed_in, name="Look at my pictures", description="My new album!")

    record = AlbumRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
    page = signed_in.get(response["Location"]).content.decode()
    assert str(record.album_id) in page and "Look at my pictures" in page
    assert record.album_id == standin.albums(100001)[-1]["AlbumID"]


def test_a_refused_form_sends_nothing_and_keeps_the_input(signed_in, standin):
    response = post_album(signed_in, name="x" * 21, description="Keep me", pin_number="12")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="' + "x" * 21 + '"' in page and "Keep me" in page and 'value="12"' in page
    assert "Use at most 20 characters" in page and "exactly 4 letters or digits" in page
    assert standin.requests("createalbum") == []
    assert not AlbumRecord.objects.exists()


@pytest.mark.parametrize(("fields", "field"), REFUSED)
def test_every_form_rule_refuses_before_anything_is_sent(signed_in, standin, fields, field):
    response = post_album(signed_in, **fields)

    assert response.context["form"].errors[field]
    assert standin.requests("createalbum") == []
    assert not AlbumRecord.objects.exists()


@pytest.mark.parametrize(
    ("fault", "status", "says"),
    [
        ({"kind": "error", "status": 500}, "unknown", "cannot tell whether"),
        ({"kind": "html", "status": 502}, "unknown", "HTML error page"),
        ({"kind": "html", "status": 503}, "failed", "try again in a moment"),
        ({"kind": "malformed_json"}, "unknown", "could not be read"),
        ({"kind": "empty"}, "unknown", "could not be read"),
        ({"kind": "xml_error", "status": 500}, "unknown", "An error has occurred."),
        ({"kind": "rate_limit", "retry_after": 12}, "failed", "try again in 12 seconds"),
        ({"kind": "slow", "delay": 1.5}, "unknown", "did not answer in time"),
        ({"kind": "drop"}, "unknown", "lost before it answered"),
    ],
)
def test_each_remote_failure_shows_a_message_keeps_the_input_and_is_recorded(signed_in, standin, fault, status, says):
    standin.fault(**fault)

    response = post_album(signed_in, name="Kept name", description="Kept description")

    page = response.content.decode()
    assert response.status_code == 200
    assert says in page
    assert 'value="Kept name"' in page and "Kept description" in page
    assert AlbumRecord.objects.get().status == status


def test_a_field_refused_by_the_api_is_shown_next_to_that_field(signed_in, standin):
    standin.fault("error", status=400, body='{"Message": "The request is invalid.", "ModelState": {"model.Description": ["Not allowed here."]}}', times=1)
    response = post_album(signed_in, description="Bad words")
    form = response.context["form"]
    assert form.errors["description"] == ["Not allowed here."]


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


def test_users_see_only_their_own_records(signed_in):
    mine = AlbumRecordFactory(created_by=signed_in.user, name="Mine")
    theirs = AlbumRecordFactory(name="Theirs")

    listing = signed_in.get(reverse("album_list")).content.decode()

    assert "Mine" in listing and "Theirs" not in listing
    assert signed_in.get(mine.get_absolute_url()).status_code == 200
    assert signed_in.get(theirs.get_absolute_url()).status_code == 404


def test_history_is_newest_first_and_paginated(signed_in):
    for n in range(30):
        AlbumRecordFactory(created_by=signed_in.user, name=f"Album {n:02d}")
    first_page = signed_in.get(reverse("album_list")).content.decode()
    second_page = signed_in.get(reverse("album_list") + "?page=2").content.decode()
    assert "Album 29" in first_page and "Album 04" not in first_page
    assert "Album 04" in second_page and "Page 2 of 2" in second_page


def test_names_render_escaped(signed_in):
    record = AlbumRecordFactory(created_by=signed_in.user, name="<script>x</script>", description="<b>d</b>")
    for url in (reverse("album_list"), record.get_absolute_url(), reverse("dashboard")):
        page = signed_in.get(url).content.decode()
        assert "<script>x</script>" not in page and "&lt;script&gt;" in page


def test_the_pin_is_never_rendered(signed_in, standin):
    post_album(signed_in, pin_number="q9Z4", pin_price="2")
    record = AlbumRecord.objects.get()
    assert "q9Z4" not in signed_in.get(record.get_absolute_url()).content.decode()


def test_connecting_with_an_access_token(client, user, standin):
    client.force_login(user)

    response = client.post(reverse("connect"), {"access_token": "demo-member-token"}, follow=True)

    assert "Connected AdultWork account 100001" in response.content.decode()
    assert Connection.objects.get(user=user).aw_user_id == 100001
    assert "demo-member-token" not in response.content.decode()


def test_a_refused_access_token_is_explained(client, user, standin):
    client.force_login(user)
    response = client.post(reverse("connect"), {"access_token": "wrong"})
    assert "did not accept this access token" in response.content.decode()
    assert not Connection.objects.exists()


def test_disconnecting(signed_in):
    response = signed_in.post(reverse("disconnect"), follow=True)
    assert "Disconnected" in response.content.decode()
    assert not Connection.objects.exists()


def test_creating_without_a_connection_says_to_connect_and_sends_nothing(client, user, standin):
    client.force_login(user)
    response = post_album(client)
    assert "Connect your AdultWork account" in response.content.decode()
    assert standin.requests("createalbum") == []
