"""Tokens and PINs stay secret: encrypted at rest, never in a dump, the admin, a page or a log."""

import dataclasses
import importlib
import io
import logging
import re
import subprocess
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection as db_connection
from django.urls import reverse

import albums
from albums import adultwork as aw
from albums.adultwork.oauth import TokenSet
from albums.crypto import secret_decrypt
from albums.errors import PortalError
from albums.models import AlbumRecord, Connection
from albums.services.albums import AlbumAttempt, album_create
from tests.factories import AlbumInputFactory, AlbumRecordFactory, ConnectionFactory, UserFactory, oauth_connection

PIN = "Zq7w"


@pytest.fixture
def secrets_in_use(standin):
    """An OAuth connection whose token was refreshed, and an album created with a PIN."""
    connection = oauth_connection(standin, expires_in=30)
    first_refresh = secret_decrypt(connection.refresh_token_encrypted)
    first_access = secret_decrypt(connection.access_token_encrypted)
    album_create(
        user=connection.user, album=AlbumInputFactory(name="Paid", pin_number=PIN, pin_price=Decimal("3")), submission_key=uuid.uuid4()
    )
    connection.refresh_from_db()
    return [
        first_access,
        first_refresh,
        secret_decrypt(connection.access_token_encrypted),
        secret_decrypt(connection.refresh_token_encrypted),
        PIN,
    ]


def assert_hidden(secrets: list[str], text: str) -> None:
    leaked = [s for s in secrets if s in text]
    assert not leaked, f"{len(leaked)} secret(s) leaked"


@pytest.mark.django_db
def test_a_dump_of_the_database_holds_no_token_or_pin(secrets_in_use):
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    assert AlbumRecord.objects.filter(pin_number_encrypted__gt="").exists()
    assert_hidden(secrets_in_use, out.getvalue())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_holds_no_token_or_pin(secrets_in_use):
    settings = db_connection.settings_dict
    dump = subprocess.run(
        ["pg_dump", "--data-only", "-h", settings["HOST"] or "127.0.0.1", "-U", settings["USER"] or "postgres", settings["NAME"]],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout
    assert "albums_connection" in dump
    assert_hidden(secrets_in_use, dump)


@pytest.mark.django_db
def test_the_admin_never_shows_tokens_or_pins(client, secrets_in_use):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    connection = Connection.objects.get()
    record = AlbumRecord.objects.get()
    pages = [
        reverse("admin:albums_connection_changelist"),
        reverse("admin:albums_connection_change", args=[connection.pk]),
        reverse("admin:albums_albumrecord_changelist"),
        reverse("admin:albums_albumrecord_change", args=[record.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert_hidden(secrets_in_use + [connection.access_token_encrypted, record.pin_number_encrypted], text)
    assert "encrypted (never shown)" in client.get(pages[1]).content.decode()


@pytest.mark.django_db
def test_logs_hold_no_token_or_pin_across_connect_refresh_failure_and_create(standin, caplog):
    caplog.set_level(logging.DEBUG)
    connection = oauth_connection(standin, expires_in=30)
    secrets = [secret_decrypt(connection.access_token_encrypted), secret_decrypt(connection.refresh_token_encrypted), PIN]
    album_create(
        user=connection.user, album=AlbumInputFactory(name="Paid", pin_number=PIN, pin_price=Decimal("3")), submission_key=uuid.uuid4()
    )
    standin.fault("error", status=500, times=1)
    with pytest.raises(PortalError):
        album_create(
        user=connection.user, album=AlbumInputFactory(name="Paid", pin_number=PIN, pin_price=Decimal("3")), submission_key=uuid.uuid4()
    )
    connection.refresh_from_db()
    secrets += [secret_decrypt(connection.access_token_encrypted), secret_decrypt(connection.refresh_token_encrypted)]

    assert "refreshed its access token" in caplog.text  # the logs did run through the refresh
    assert_hidden(secrets + ["awportal-demo-secret"], caplog.text)


SECRET_FIELD = re.compile(r"token|pin_number|secret|code", re.IGNORECASE)


def _secret_holding_dataclasses() -> list[type]:
    """Every dataclass in the portal's package with a field named for a token, PIN or secret."""
    package = Path(albums.__file__).parent
    modules = [
        importlib.import_module(".".join(path.relative_to(package.parent).with_suffix("").parts))
        for path in sorted(package.rglob("*.py"))
    ]
    return [
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type)
        and dataclasses.is_dataclass(value)
        and value.__module__ == module.__name__
        and any(SECRET_FIELD.search(f.name) for f in dataclasses.fields(value))
    ]


def test_every_dataclass_holding_a_secret_keeps_it_out_of_repr():
    holders = _secret_holding_dataclasses()
    assert {cls.__name__ for cls in holders} >= {"TokenSet", "AlbumInput", "AlbumAttempt"}
    for cls in holders:
        shown = [f.name for f in dataclasses.fields(cls) if SECRET_FIELD.search(f.name) and f.repr]
        assert shown == [], f"{cls.__qualname__} shows {shown} in its repr"


@pytest.mark.django_db
def test_the_repr_of_each_object_holding_a_secret_contains_no_secret():
    connection = ConnectionFactory()
    album = aw.AlbumInput(name="Paid", pin_number=PIN, pin_price=Decimal("3"))
    attempt = AlbumAttempt(
        user=connection.user,
        record=AlbumRecordFactory(created_by=connection.user),
        album=album,
        connection=connection,
        access_token="access-secret-1",
        member_id=None,
    )
    tokens = TokenSet(access_token="access-secret-1", refresh_token="refresh-secret-2", expires_in=60)
    for shown in map(repr, (album, attempt, tokens)):
        assert PIN not in shown and "access-secret-1" not in shown and "refresh-secret-2" not in shown
    assert "Paid" in repr(album)  # the repr still says what the object is
