"""Seek (keyset) pagination over a timestamp and the primary key.

OFFSET pagination reads and throws away every row before the page, and its page count needs a
COUNT(*) of the whole set: both grow with the history. Seeking from the last row shown reads one
page's worth of index entries wherever the page is, and the total is counted only up to a cap.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from django.db.models import Model, Q, QuerySet

T = TypeVar("T", bound=Model)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# ASCII digits ([0-9], not \d, which takes every script's); a pk of 18 digits stays within a bigint.
CURSOR_PATTERN = re.compile(r"\A(-?[0-9]{1,20})_([0-9]{1,18})\Z")


@dataclass(frozen=True)
class Cursor:
    """A position between two rows: the sort timestamp and primary key of the row it follows."""

    at: datetime
    pk: int

    def encode(self) -> str:
        return f"{(self.at - EPOCH) // timedelta(microseconds=1)}_{self.pk}"

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        found = CURSOR_PATTERN.match(text or "")
        if not found:
            return None
        try:
            at = EPOCH + timedelta(microseconds=int(found.group(1)))
        except OverflowError:
            return None
        return cls(at=at, pk=int(found.group(2)))


@dataclass(frozen=True)
class SeekPage(Generic[T]):
    items: list[T]
    previous: Cursor | None
    next: Cursor | None
    # How many rows match, counted no further than the cap.
    count: int
    count_capped: bool


@dataclass(frozen=True)
class SeekPaginator(Generic[T]):
    """Pages of the union of `parts`, ordered by (`field`, pk), newest first unless `descending` is False.

    The parts must not share rows. Each is read by its own seek, so each can follow its own index in
    date order (an OR across columns would make the database sort every matching row first); a page
    merges one page's worth from each.
    """

    parts: Sequence[QuerySet[T]]
    field: str
    size: int
    descending: bool = True
    count_cap: int = 1000

    def _sort_key(self, row: T) -> tuple:
        return (getattr(row, self.field), row.pk)

    def _ordered(self, queryset: QuerySet[T], *, reverse: bool) -> QuerySet[T]:
        sign = "-" if self.descending != reverse else ""
        return queryset.order_by(f"{sign}{self.field}", f"{sign}pk")

    def _beyond(self, cursor: Cursor, *, reverse: bool) -> Q:
        """Rows after `cursor` in the page order (before it when `reverse`)."""
        op = "lt" if self.descending != reverse else "gt"
        # The first term repeats the second's bound on the timestamp alone, so the index range
        # starts at the cursor instead of at the first row.
        return Q(**{f"{self.field}__{op}e": cursor.at}) & (
            Q(**{f"{self.field}__{op}": cursor.at}) | Q(**{self.field: cursor.at, f"pk__{op}": cursor.pk})
        )

    def _cursor(self, row: T) -> Cursor:
        return Cursor(at=getattr(row, self.field), pk=row.pk)

    def _first(self, count: int, *, beyond: Cursor | None, reverse: bool) -> list[T]:
        """The first `count` rows of the union in page order (reversed when `reverse`) after `beyond`."""
        rows: list[T] = []
        for part in self.parts:
            queryset = self._ordered(part, reverse=reverse)
            if beyond is not None:
                queryset = queryset.filter(self._beyond(beyond, reverse=reverse))
            rows += queryset[:count]
        backwards = self.descending != reverse
        return sorted(rows, key=self._sort_key, reverse=backwards)[:count]

    def first_rows(self) -> list[T]:
        """The first page's rows alone, without the count."""
        return self._first(self.size, beyond=None, reverse=False)

    def page(self, *, after: Cursor | None = None, before: Cursor | None = None) -> SeekPage[T]:
        """The page following `after`, or the one preceding `before`, or the first."""
        if before is not None:
            rows = self._first(self.size + 1, beyond=before, reverse=True)
            more_before = len(rows) > self.size
            items = rows[: self.size][::-1]
            previous = self._cursor(items[0]) if items and more_before else None
            following = self._cursor(items[-1]) if items else None
        else:
            rows = self._first(self.size + 1, beyond=after, reverse=False)
            items = rows[: self.size]
            previous = self._cursor(items[0]) if items and after is not None else None
            following = self._cursor(items[-1]) if len(rows) > self.size else None
        counted = sum(part.order_by()[: self.count_cap + 1].count() for part in self.parts)
        return SeekPage(
            items=items,
            previous=previous,
            next=following,
            count=min(counted, self.count_cap),
            count_capped=counted > self.count_cap,
        )
