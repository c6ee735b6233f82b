"""Odd or hostile input on the portal's pages (issue 11): a clear answer, the input kept, never a 500."""

import re

import pytest
from django.urls import reverse

from albums.models import AlbumRecord, BulkJob

pytestmark = pytest.mark.django_db

NEW = reverse("album_create")
FOR_MEMBER = reverse("member_album_create")
BULK_NEW = reverse("bulk_job_create")
KEY_PROBLEM = "This form&#39;s submission key was missing or altered, so nothing was sent."


def submission_key(response) -> str:
    return re.search(r'name="submission_key" value="([^"]*)"', response.content.decode()).group(1)


@pytest.mark.parametrize("url", [reverse("album_list"), reverse("album_export")])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_history_date_at_the_end_of_the_calendar_is_refused_not_an_overflow(signed_in, url, day):
    response = signed_in.get(url, {"created_to": day, "created_from": day})
    assert response.status_code == 200
    if url == reverse("album_list"):
        assert "Choose a date from the year 2000 to 2999." in response.content.decode()


@pytest.mark.parametrize("url", [reverse("member_list"), FOR_MEMBER, BULK_NEW])
def test_a_member_search_with_a_nul_shows_every_member_and_says_why(client, manager, url):
    client.force_login(manager)
    response = client.get(url, {"q": "\x00"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()


@pytest.mark.parametrize("url", [NEW, FOR_MEMBER, BULK_NEW])
def test_every_form_with_a_pin_suggestion_is_never_stored(client, manager, url):
    client.force_login(manager)
    response = client.get(url)
    assert "pin_suggestion" in response.context and "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("key", [None, "", "not-a-uuid", "0" * 5000])
def test_a_missing_or_altered_submission_key_is_said_and_a_fresh_one_issued(signed_in, standin, key):
    fields = {"name": "Look"} if key is None else {"name": "Look", "submission_key": key}

    response = signed_in.post(NEW, fields)

    page = response.content.decode()
    assert response.status_code == 200 and KEY_PROBLEM in page
    fresh = submission_key(response)
    assert fresh != (key or "") and re.fullmatch(r"[0-9a-f-]{36}", fresh)
    assert 'value="Look"' in page  # the input is kept
    assert not AlbumRecord.objects.exists() and standin.requests("CreateAlbum") == []
    sent = signed_in.post(NEW, {"name": "Look", "submission_key": fresh})
    assert sent.status_code == 302 and AlbumRecord.objects.get().status == AlbumRecord.Status.CREATED


def test_the_bulk_form_says_the_same_of_an_altered_key(client, manager):
    client.force_login(manager)
    response = client.post(BULK_NEW, {"name": "Look", "all_members": "on", "submission_key": "x"})
    assert KEY_PROBLEM in response.content.decode() and submission_key(response) != "x"
    assert not BulkJob.objects.exists()


@pytest.mark.parametrize("name", ["\u200b\u200b", "\ufeff", "Sale\u202e", "a\u2066b"])
def test_a_name_nobody_can_read_is_refused_before_anything_is_sent(signed_in, standin, name):
    response = signed_in.post(NEW, {"name": name, "submission_key": submission_key(signed_in.get(NEW))})
    assert response.status_code == 200 and "Use a name people can read" in response.content.decode()
    assert standin.requests("CreateAlbum") == []
