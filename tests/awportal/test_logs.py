"""Logs: JSON lines on request, and never a token, PIN or AdultWork query string in them."""

import json
import logging
import re
import sys
import uuid

import pytest

from albums.errors import PortalError
from albums.services.albums import album_create
from albums.services.clients import aw_client
from albums.services.connections import connection_connect_with_token
from awportal.logs import JsonFormatter
from tests.factories import AlbumInputFactory, ConnectionFactory, UserFactory


def record(message, *args, **extra):
    entry = logging.LogRecord("albums.services", logging.INFO, __file__, 1, message, args, None)
    entry.__dict__.update(extra)
    return entry


def test_json_lines_hold_time_level_logger_message_and_extra_fields():
    line = JsonFormatter().format(record("Album record %s created", 7, job_id=12))

    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "INFO" and entry["logger"] == "albums.services"
    assert entry["message"] == "Album record 7 created" and entry["job_id"] == 12
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", entry["time"])


def test_json_lines_carry_an_exception_as_one_field():
    try:
        raise ValueError("bad value")
    except ValueError:
        entry = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())

    parsed = json.loads(JsonFormatter().format(entry))
    assert "ValueError: bad value" in parsed["exception"]


@pytest.mark.django_db
def test_talking_to_adultwork_logs_no_token_pin_or_query_string_even_at_debug(caplog, settings, standin):
    settings.AW_API_BASE_URL = standin.url
    caplog.set_level(logging.DEBUG)
    user = UserFactory()
    connection_connect_with_token(user=user, access_token="demo-member-token")
    album_create(user=user, album=AlbumInputFactory(name="Logged", pin_number="q9Z4", pin_price=2), submission_key=uuid.uuid4())
    # A call with a query string, the API key in it: urllib3 would log the whole URL at DEBUG.
    aw_client(access_token="demo-member-token", with_api_key=True).albums_list(user_id=100001)
    other = ConnectionFactory(access_token="demo-expired-token").user
    with pytest.raises(PortalError):
        album_create(user=other, album=AlbumInputFactory(name="Refused"), submission_key=uuid.uuid4())

    text = "\n".join(JsonFormatter().format(entry) for entry in caplog.records)
    assert "AdultWork POST /v1/Pictures/CreateAlbum" in text and "GetAlbums" in text  # the calls are logged...
    for secret in ("demo-member-token", "demo-expired-token", "q9Z4", "demo-api-key", "bearer"):
        assert secret not in text  # ...without their secrets
    assert not re.search(r"/v1/\S*\?", text)


def test_a_request_handed_to_a_logger_shows_as_method_and_path_never_its_query_string():
    from django.test import RequestFactory

    request = RequestFactory().get("/connect/callback/?code=s3cr3t-code&state=abc")
    line = JsonFormatter().format(record("Bad Request: %s", request.path, request=request, status_code=400))

    entry = json.loads(line)
    assert entry["request"] == "GET /connect/callback/" and entry["status_code"] == 400
    assert "s3cr3t" not in line
