"""Keeping a working access token: refresh before expiry, once after a 401, reconnect when dead."""

import threading
import uuid
from datetime import timedelta

import pytest
import requests
from django.db import connection as db_connection
from django.utils import timezone

from albums.crypto import secret_decrypt
from albums.errors import PortalError
from albums.models import AlbumRecord, Connection
from albums.services.albums import album_create
from albums.services.connections import connection_access_token, connection_call_api
from tests.factories import AlbumInputFactory, ConnectionFactory, oauth_connection


def refreshes(standin) -> list[dict]:
    return [r for r in standin.requests("/oauth/token") if (r["form"] or {}).get("grant_type") == "refresh_token"]


def create(user, name="Look"):
    return album_create(user=user, album=AlbumInputFactory(name=name), submission_key=uuid.uuid4())


@pytest.mark.django_db
def test_a_token_expiring_within_a_minute_is_refreshed_before_the_call(standin):
    connection = oauth_connection(standin, expires_in=30)
    old_access = secret_decrypt(connection.access_token_encrypted)

    record = create(connection.user)

    assert record.status == AlbumRecord.Status.CREATED
    assert len(refreshes(standin)) == 1
    connection.refresh_from_db()
    new_access = secret_decrypt(connection.access_token_encrypted)
    assert new_access != old_access
    assert connection.access_token_expires_at > timezone.now() + timedelta(minutes=10)
    assert standin.requests("createalbum")[-1]["headers"]["Authorization"] == f"Bearer {new_access}"


@pytest.mark.django_db
def test_a_fresh_token_is_used_as_it_is(standin):
    connection = oauth_connection(standin)
    assert connection_access_token(connection=connection) == secret_decrypt(connection.access_token_encrypted)
    assert refreshes(standin) == []


@pytest.mark.django_db
def test_a_401_for_a_token_believed_valid_refreshes_once_and_retries_once(standin):
    connection = oauth_connection(standin)
    standin.expire(token=secret_decrypt(connection.access_token_encrypted))

    record = create(connection.user)

    assert record.status == AlbumRecord.Status.CREATED
    assert [r["status"] for r in standin.requests("createalbum")] == [401, 200]
    assert len(refreshes(standin)) == 1
    assert len(standin.albums(100001)) == 2  # the seeded album and this one: created once


@pytest.mark.django_db
def test_reads_are_retried_after_a_refresh_too(standin):
    connection = oauth_connection(standin)
    standin.expire(token=secret_decrypt(connection.access_token_encrypted))

    credentials = connection_call_api(connection=connection, call=lambda client: client.credentials_verify())

    assert credentials.user_id == 100001 and len(refreshes(standin)) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("dead", ["expired", "reused"])
def test_a_dead_refresh_token_marks_the_connection_for_reconnecting(standin, dead):
    connection = oauth_connection(standin, expires_in=30)
    if dead == "expired":
        standin.expire(user_id=100001, what="refresh")
    else:  # someone already used it: rotation killed it
        refresh = secret_decrypt(connection.refresh_token_encrypted)
        used = requests.post(
            f"{standin.url}/OAuth/token",
            data={"grant_type": "refresh_token", "refresh_token": refresh, "client_id": "awportal-demo", "client_secret": "awportal-demo-secret"},
            timeout=5,
        )
        assert used.status_code == 200
    before = len(refreshes(standin))

    with pytest.raises(PortalError) as caught:
        create(connection.user)

    assert caught.value.code == PortalError.RECONNECT
    connection.refresh_from_db()
    assert connection.status == Connection.Status.NEEDS_RECONNECT
    assert AlbumRecord.objects.get().status == AlbumRecord.Status.FAILED
    assert standin.requests("createalbum") == []
    with pytest.raises(PortalError, match="needs reconnecting"):  # and no more refresh attempts
        create(connection.user, name="Again")
    assert len(refreshes(standin)) == before + 1


@pytest.mark.django_db
def test_an_expired_pasted_token_marks_the_connection_for_reconnecting(standin):
    connection = ConnectionFactory(access_token="demo-expired-token")
    with pytest.raises(PortalError):
        create(connection.user)
    connection.refresh_from_db()
    assert connection.status == Connection.Status.NEEDS_RECONNECT
    assert refreshes(standin) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_an_expired_token_refresh_exactly_once(standin):
    connection = oauth_connection(standin, expires_in=1200)
    Connection.objects.filter(pk=connection.pk).update(access_token_expires_at=timezone.now() - timedelta(minutes=1))
    user = connection.user
    start = threading.Barrier(12)
    outcomes: list[str] = []

    def one(n: int) -> None:
        try:
            start.wait()
            outcomes.append(create(user, name=f"Album {n}").status)
        except Exception as exc:  # noqa: BLE001 (reported below)
            outcomes.append(repr(exc))
        finally:
            db_connection.close()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert outcomes == ["created"] * 12
    assert len(refreshes(standin)) == 1
    assert len(standin.requests("createalbum")) == 12
