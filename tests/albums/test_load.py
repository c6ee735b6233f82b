"""Under load on PostgreSQL: many forms at once, and many copies of one form at once."""

import random
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from albums.models import AlbumRecord

NEW = reverse("album_create")
# Fewer threads than posts, so the test stays well inside PostgreSQL's 100 connections.
WORKERS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_forms_and_fifty_copies_of_one_form_at_once_make_fifty_one_albums(client, connected_user, standin):
    standin.config(latency=0.1)  # every call takes a while, so the posts overlap
    client.force_login(connected_user)
    session_cookie = client.cookies
    shared = {"submission_key": str(uuid.uuid4()), "name": "The same form", "description": "Sent fifty times"}
    forms = [{"submission_key": str(uuid.uuid4()), "name": f"Form {n}"} for n in range(50)] + [shared] * 50
    random.Random(5).shuffle(forms)

    def post(data: dict):
        browser = Client()
        browser.cookies = session_cookie
        try:
            return browser.post(NEW, data)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        responses = list(pool.map(post, forms))

    records = AlbumRecord.objects.all()
    assert [r.status_code for r in responses] == [302] * 100
    assert {r["Location"] for r in responses} == {record.get_absolute_url() for record in records}
    assert records.count() == 51
    assert set(records.values_list("status", flat=True)) == {AlbumRecord.Status.CREATED}
    assert len(standin.requests("CreateAlbum")) == 51
    assert len({record.album_id for record in records}) == 51
