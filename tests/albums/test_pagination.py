"""Seek pagination: every row exactly once, in order, whichever way one walks, ties included."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from albums.models import AlbumRecord
from albums.pagination import Cursor, SeekPaginator
from tests.factories import AlbumRecordFactory, UserFactory

pytestmark = pytest.mark.django_db

START = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "cursor",
    [Cursor(at=START, pk=1), Cursor(at=START + timedelta(microseconds=7), pk=10**15), Cursor(at=datetime(1960, 5, 1, tzinfo=UTC), pk=3)],
)
def test_a_cursor_survives_its_text_form(cursor):
    assert Cursor.decode(cursor.encode()) == cursor


@pytest.mark.parametrize("text", ["", "12", "12_", "_12", "1.5_2", "12_-3", "a_1", "9" * 21 + "_1", "99999999999999999999_1", "1_99999999999999999999", "١_1", "1_٥"])
def test_text_that_is_not_a_cursor_decodes_to_none(text):
    assert Cursor.decode(text) is None


def walk(paginator: SeekPaginator, *, backwards: bool) -> list[list[int]]:
    """Every page's ids, following next links (or previous links from the last page)."""
    page = paginator.page()
    pages = [page]
    while page.next:
        page = paginator.page(after=page.next)
        pages.append(page)
    if backwards:
        pages = [page]
        while page.previous:
            page = paginator.page(before=page.previous)
            pages.insert(0, page)
    return [[record.pk for record in page.items] for page in pages]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=st.lists(st.tuples(st.integers(min_value=0, max_value=4), st.integers(min_value=0, max_value=2)), max_size=14),
    size=st.integers(min_value=1, max_value=5),
    descending=st.booleans(),
)
def test_walking_either_way_shows_every_row_of_every_part_once_in_order(records, size, descending):
    AlbumRecord.objects.all().delete()
    users = [UserFactory(username=f"walker{n}") for n in range(3)]
    for offset, owner in records:  # few distinct timestamps, so many ties sit across page and part edges
        AlbumRecordFactory(created_by=users[owner], created_at=START + timedelta(seconds=offset))
    ordering = ("-created_at", "-pk") if descending else ("created_at", "pk")
    expected = list(AlbumRecord.objects.order_by(*ordering).values_list("pk", flat=True))
    paginator = SeekPaginator(
        parts=[AlbumRecord.objects.filter(created_by=user) for user in users],
        field="created_at",
        size=size,
        descending=descending,
        count_cap=3,
    )

    for backwards in (False, True):
        pages = walk(paginator, backwards=backwards)
        assert [pk for page in pages for pk in page] == expected
        assert all(len(page) == size for page in pages[:-1])

    first = paginator.page()
    assert (first.count, first.count_capped) == (min(len(expected), 3), len(expected) > 3)
