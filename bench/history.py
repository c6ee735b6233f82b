"""The history at 1,000, 10,000 and 100,000 records on PostgreSQL: time and queries per page."""

from __future__ import annotations

import statistics
import uuid
from datetime import timedelta
from functools import partial

from .environment import bench_user
from .measure import ms, timed_ms
from .table import Row

SIZES = (1_000, 10_000, 100_000)
MEMBERS = 100
# Name, URL, whose history, runs, and whether its time is held to the budget (the export grows with the
# history by nature). "own": a member's records; "agency": staff seeing what was sent through an agency.
# {record} is the newest created record of that history.
PAGES = (
    ("list", "/albums/", "own", 21, True),
    ("filtered", "/albums/?status=failed", "own", 21, True),
    ("search", "/albums/?name=Album+424", "own", 11, False),
    ("CSV export", "/albums/export.csv", "own", 3, False),
    ("agency staff list", "/albums/", "agency", 21, True),
    ("create form", "/albums/new/", "own", 21, True),
    ("album record", "/albums/{record}/", "own", 21, True),
)
TIME_BUDGET = 1.2
WARMUP = 3
INSERT_BATCH = 5_000


def _status(n: int) -> str:
    """90% created, 6% failed, 3% unknown, 1% pending, spread evenly through time."""
    return ("failed" if n % 100 < 6 else "unknown" if n % 100 < 9 else "pending" if n % 100 < 10 else "created")


def records_add(user, *, count: int, numbered_from: int, **fields) -> None:
    """`count` records a minute apart up to now, as the portal would have written them."""
    from django.db import connection
    from django.utils import timezone

    from albums.models import AlbumRecord

    now = timezone.now()
    batch = []
    for n in range(numbered_from, numbered_from + count):
        status = _status(n)
        batch.append(
            AlbumRecord(
                created_by=user,
                aw_user_id=300001 + n % MEMBERS,
                acting_aw_user_id=200001,
                submission_key=uuid.uuid4(),
                name=f"Album {n}",
                description="Bench record",
                status=status,
                error_message="AdultWork refused the album." if status == "failed" else "",
                album_id=9_000_000 + n if status == "created" else None,
                album_name=f"Album {n}" if status == "created" else "",
                created_at=now - timedelta(minutes=n - numbered_from),
                **fields,
            )
        )
        if len(batch) == INSERT_BATCH:
            AlbumRecord.objects.bulk_create(batch)
            batch = []
    AlbumRecord.objects.bulk_create(batch)
    with connection.cursor() as cursor:  # what autovacuum does after a bulk load
        cursor.execute("VACUUM ANALYZE albums_albumrecord")


def _fetch(client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    if response.streaming:
        for _ in response.streaming_content:
            pass


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _fetch(client, url)
    return len(captured)


def _agency_staff(size: int, *, numbered_from: int):
    """A portal user granted a group manager's connection through which `size` member albums were sent."""
    from django.contrib.auth import get_user_model

    from albums.models import Connection
    from albums.services.grants import staff_grant_give

    manager = bench_user(f"manager-{size}")
    Connection.objects.filter(user=manager).update(aw_user_id=200001, group_id=9001, is_group_manager=True)
    agency = Connection.objects.get(user=manager)
    staff = get_user_model().objects.create_user(username=f"staff-{size}", password="bench-password-1")
    staff_grant_give(connection=agency, user=staff)
    records_add(manager, count=size, numbered_from=numbered_from, connection=agency, for_member=True)
    return staff


def history_rows() -> tuple[list[Row], object, str]:
    """The table rows, the signed-in test client of the member holding the largest history, and the
    path of that member's newest album record.

    Each size is its own user's history in one table of all of them, and every round fetches every
    page at every size, so drift on the machine touches each size alike.
    """
    from albums.models import AlbumRecord
    from harness.second_factor import SignedInClient

    clients, records = {}, {}
    inserted = 0
    for size in SIZES:
        for who in ("own", "agency"):
            if who == "own":
                user = bench_user(f"historian-{size}")
                records_add(user, count=size, numbered_from=inserted)
            else:
                user = _agency_staff(size, numbered_from=inserted)
            inserted += size
            clients[who, size] = SignedInClient()  # agency staff pass the second step too
            clients[who, size].force_login(user)
            if who == "own":
                records[who, size] = AlbumRecord.objects.filter(created_by=user, status="created").latest("created_at").pk
    paths = {(name, who, size): url.format(record=records.get((who, size))) for name, url, who, *_ in PAGES for size in SIZES}
    times: dict[tuple[str, int], list[float]] = {(name, size): [] for name, *_ in PAGES for size in SIZES}
    for name, _, who, runs, _ in PAGES:
        for size in SIZES:
            for _ in range(WARMUP):
                _fetch(clients[who, size], paths[name, who, size])
        for _ in range(runs):
            for size in SIZES:
                times[name, size].append(timed_ms(partial(_fetch, clients[who, size], paths[name, who, size])))
    results = {
        (name, size): (statistics.median(times[name, size]), _queries(clients[who, size], paths[name, who, size]))
        for name, _, who, *_ in PAGES
        for size in SIZES
    }

    rows = []
    for name, *_, timed in PAGES:
        base_time, base_queries = results[name, SIZES[0]]
        for size in SIZES:
            took, queries = results[name, size]
            if size == SIZES[0]:
                rows.append(Row(f"History {name} @ {size:,}", f"{ms(took)}, {queries} queries", "-", "-", "-", None))
                continue
            ratio = took / base_time
            rows.append(
                Row(
                    name=f"History {name} @ {size:,}",
                    measured=f"{ms(took)}, {queries} queries",
                    baseline=f"{ms(base_time)}, {base_queries} queries @ {SIZES[0]:,}",
                    figure=f"time x{ratio:.2f}",
                    budget=f"time <= {TIME_BUDGET} x; same queries" if timed else "same queries",
                    passed=queries == base_queries and (ratio <= TIME_BUDGET or not timed),
                )
            )
    return rows, clients["own", SIZES[-1]], paths["album record", "own", SIZES[-1]]
