"""One submission, one request to AdultWork: repeats, races, and no transaction held across the call."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from albums.adultwork.client import SESSION
from albums.models import AlbumRecord
from tests.factories import oauth_connection
from tests.support.waiting import wait_for

NEW = reverse("album_create")
CREATE = "CreateAlbum"


def post_in_thread(user, data: dict):
    """A browser of its own, on its own thread and database connection."""
    client = Client()
    client.force_login(user)
    try:
        return client.post(NEW, data)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_no_database_transaction_is_open_while_adultwork_is_called(client, standin, monkeypatch, settings):
    # The hook runs inside the call, on the thread making it, once AdultWork's answer is in.
    seen: list[tuple[str, bool]] = []
    monkeypatch.setitem(SESSION.hooks, "response", [lambda r, **_: seen.append((r.request.path_url, connection.in_atomic_block))])
    # About to expire: the first call refreshes it under a row lock, which must be let go before the call.
    user = oauth_connection(standin, expires_in=30).user
    client.force_login(user)
    settings.AW_OUTCOME_SETTLE_SECONDS = 0

    client.post(NEW, {"submission_key": str(uuid.uuid4()), "name": "Created"})
    standin.fault("error", status=500, match=CREATE, times=1)
    client.post(NEW, {"submission_key": str(uuid.uuid4()), "name": "Unknown"})  # then the automatic check
    unknown = AlbumRecord.objects.get(name="Unknown")
    client.post(reverse("album_check", args=[unknown.pk]))
    client.post(reverse("album_send_again", args=[unknown.pk]))

    paths = [path.split("?")[0].lower() for path, _ in seen]
    assert paths.count("/v1/pictures/createalbum") == 3 and paths.count("/v1/pictures/getalbums") == 2
    assert not any(in_atomic_block for _, in_atomic_block in seen), seen
    assert any(r["path"].lower() == "/oauth/token" for r in standin.requests("oauth"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_repeat_while_the_first_post_is_in_flight_shows_it_in_progress_and_sends_nothing(client, connected_user, standin):
    standin.fault("slow", match=CREATE, delay=0.8, times=1)
    data = {"submission_key": str(uuid.uuid4()), "name": "Look"}
    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(post_in_thread, connected_user, data)
        assert wait_for(lambda: standin.requests(CREATE))

        # Read on another connection while the call is in flight: the claim is committed, so no
        # transaction spans the call, and the repeat finds it.
        in_flight = AlbumRecord.objects.get()
        client.force_login(connected_user)
        repeat = client.post(NEW, data)
        page = client.get(repeat["Location"]).content.decode()
        first = first.result()

    assert in_flight.status == AlbumRecord.Status.PENDING
    assert repeat.status_code == 302 and repeat["Location"] == in_flight.get_absolute_url() == first["Location"]
    assert "still in progress" in page
    assert len(standin.requests(CREATE)) == 1
    assert AlbumRecord.objects.get().status == AlbumRecord.Status.CREATED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_posts_of_one_form_racing_each_other_send_one_request(connected_user, standin):
    standin.config(latency=0.2)
    data = {"submission_key": str(uuid.uuid4()), "name": "Look"}
    start = threading.Barrier(6)

    def race():
        start.wait()
        return post_in_thread(connected_user, data)

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = [future.result() for future in [pool.submit(race) for _ in range(6)]]

    record = AlbumRecord.objects.get()
    assert {(r.status_code, r["Location"]) for r in responses} == {(302, record.get_absolute_url())}
    assert len(standin.requests(CREATE)) == 1
