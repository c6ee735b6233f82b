"""The picture upload handler, through real Django requests to a test-only view (upload_urls.py)."""

import os
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

pytestmark = pytest.mark.urls("tests.albums.upload_urls")

TOKEN = "a" * 32  # a CSRF secret, accepted as cookie and field alike


@pytest.fixture
def incoming(settings, tmp_path):
    """Where Django writes uploads while they arrive, to look inside."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "incoming")
    os.mkdir(settings.FILE_UPLOAD_TEMP_DIR)
    return tmp_path / "incoming"


def upload(name: str, size: int, fill: bytes = b"x") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, fill * size, content_type="image/jpeg")


def send(client, *files, **fields):
    response = client.post("/receive/", {**fields, "pictures": list(files)})
    assert response.status_code == 200, response.content
    return response.json()


def test_every_file_is_written_to_disk_however_small(client, incoming):
    received = send(client, upload("tiny.jpg", 10, b"t"), upload("small.png", 2000, b"s"), title="Beach")

    assert [(f["name"], f["size"]) for f in received["files"]] == [("tiny.jpg", 10), ("small.png", 2000)]
    assert [f["content"] for f in received["files"]] == ["t" * 10, "s" * 2000]
    assert all(f["path"].startswith(str(incoming)) for f in received["files"])
    assert received["title"] == "Beach"
    assert received["upload_refusal"] == "" and received["refused"] == []
    assert os.listdir(incoming) == []  # deleted once the request was over


def test_a_file_over_the_limit_is_refused_by_name_as_soon_as_it_passes_it_and_the_others_still_arrive(
    client, settings, incoming
):
    settings.AW_PICTURE_MAX_FILE_BYTES = 100_000
    received = send(
        client,
        upload("first.jpg", 60_000, b"1"),
        upload("huge.jpg", 1_000_000, b"2"),
        upload("last.jpg", 100_000, b"3"),  # exactly at the limit
    )

    assert [f["name"] for f in received["files"]] == ["first.jpg", "last.jpg"]
    assert [f["content"] for f in received["files"]] == ["1" * 60_000, "3" * 100_000]  # first survived the skip
    assert received["refused"] == [
        {"file_name": "huge.jpg", "message": "huge.jpg: the file is larger than 97.7\xa0KB, the most one picture may be."}
    ]


def test_the_refused_file_leaves_nothing_on_disk_while_the_request_goes_on(client, settings, incoming):
    settings.AW_PICTURE_MAX_FILE_BYTES = 100_000

    received = send(client, upload("huge.jpg", 500_000), upload("ok.jpg", 10))

    # When the view ran, the accepted file's temporary file was the only one left.
    assert [f["name"] for f in received["files"]] == ["ok.jpg"]
    assert received["on_disk"] == [os.path.basename(received["files"][0]["path"])]
    assert os.listdir(incoming) == []


def test_more_files_than_allowed_are_refused_naming_the_first_left_out(client, settings):
    settings.AW_PICTURE_MAX_FILES = 2

    received = send(client, *(upload(f"p{n}.jpg", 100) for n in range(1, 6)))

    assert [f["name"] for f in received["files"]] == ["p1.jpg", "p2.jpg"]
    assert "At most 2 pictures" in received["upload_refusal"] and "p3.jpg" in received["upload_refusal"]


def test_an_upload_over_the_total_is_refused_before_any_file_is_kept(client, settings, incoming):
    settings.AW_PICTURE_MAX_UPLOAD_BYTES = 50_000

    received = send(client, upload("a.jpg", 30_000), upload("b.jpg", 30_000), title="kept")

    assert received["files"] == [] and received["title"] == "kept"
    assert "at most 48.8\xa0KB can be sent at once" in received["upload_refusal"]


def test_the_csrf_check_still_runs_with_the_handler_in_place(settings):
    strict = Client(enforce_csrf_checks=True)

    refused = strict.post("/receive/", {"pictures": [upload("a.jpg", 10)]})
    strict.cookies["csrftoken"] = TOKEN
    accepted = strict.post("/receive/", {"pictures": [upload("a.jpg", 10)], "csrfmiddlewaretoken": TOKEN})

    assert refused.status_code == 403
    assert accepted.status_code == 200 and accepted.json()["files"][0]["name"] == "a.jpg"


def test_an_oversized_upload_is_answered_before_its_body_arrives(live_server, settings):
    """Declared at 300 MB, only the first 64 KB are ever sent: the answer comes all the same, so the
    portal stopped reading at the first file rather than taking in (or waiting for) the rest. (The
    server may drain the body after answering, to keep the connection; nothing keeps it.)"""
    settings.AW_PICTURE_MAX_UPLOAD_BYTES = 1_000_000
    boundary = "----picturesboundary"
    head = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n{TOKEN}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"pictures\"; filename=\"big.jpg\"\r\n"
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode() + b"x" * 65_536
    declared = len(head) + 300_000_000
    host, port = live_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            (
                f"POST /receive/ HTTP/1.1\r\nHost: {host}\r\nCookie: csrftoken={TOKEN}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {declared}\r\n\r\n"
            ).encode()
            + head
        )
        answer = connection.makefile("rb")
        status = answer.readline()
        headers = dict(line.decode().split(": ", 1) for line in iter(answer.readline, b"\r\n"))
        body = answer.read(int(headers["Content-Length"]))

    assert status.startswith(b"HTTP/1.1 200")
    assert b"at most 976.6\\u00a0KB can be sent at once" in body and b'"files": []' in body
