"""The history lists every operation on an album (create, edit, remove, add pictures), with its kind."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from albums.models import AlbumRecord
from tests.factories import AlbumRecordFactory

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
Kind = AlbumRecord.Kind


@pytest.fixture
def operations(signed_in):
    created = AlbumRecordFactory(created_by=signed_in.user, name="Spring", created_at=START)
    for hours, kind in enumerate((Kind.EDIT, Kind.ADD_PICTURES, Kind.REMOVE), start=1):
        AlbumRecordFactory(
            created_by=signed_in.user, name="Spring", kind=kind, album_id=created.album_id,
            created_at=START + timedelta(hours=hours),
        )
    return signed_in


def test_each_row_names_its_operation_and_says_done_in_its_own_words(operations):
    page = operations.get(reverse("album_list")).content.decode()
    for kind, done in (("Create", "Created"), ("Edit", "Changed"), ("Add pictures", "Sent"), ("Remove", "Removed")):
        assert f"<td>{kind}</td>" in page
        assert f'<span class="status status--created">{done}</span>' in page


@pytest.mark.parametrize("kind", [Kind.EDIT, Kind.REMOVE, Kind.ADD_PICTURES, Kind.CREATE])
def test_the_operation_filter_narrows_the_history(operations, kind):
    response = operations.get(reverse("album_list"), {"kind": kind})
    assert "1 album matches" in response.content.decode()
    export = operations.get(reverse("album_export"), {"kind": kind})
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [row["Operation"] for row in rows] == [AlbumRecord.Kind(kind).label]


def test_the_export_has_the_operation_and_its_status_in_its_own_words(operations):
    body = b"".join(operations.get(reverse("album_export")).streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(row["Operation"], row["Status"]) for row in rows] == [
        ("Remove", "Removed"), ("Add pictures", "Sent"), ("Edit", "Changed"), ("Create", "Created")
    ]


def test_many_operations_may_name_one_album_but_only_one_create_may_have_made_it(signed_in):
    first = AlbumRecordFactory(created_by=signed_in.user)
    AlbumRecordFactory(created_by=signed_in.user, kind=Kind.EDIT, album_id=first.album_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        AlbumRecordFactory(created_by=signed_in.user, album_id=first.album_id)
