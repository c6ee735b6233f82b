"""How hard the bulk workers may press one AdultWork account, together, across processes and machines.

What is shared, and where:
- In-flight requests per account: at most AW_BULK_CONCURRENCY, counted by PostgreSQL advisory locks,
  one lock per request slot (`AccountSlots`), shared out fairly among the workers present. A slot is a session lock of the worker's own database
  connection, so a worker that dies (kill -9) gives its slots back when PostgreSQL sees the
  connection go; nothing is left to expire. Every worker sharing the database shares the bound.
  On another database (SQLite, for a first run) there is one worker, and the slots are counted in
  its memory.
- A 429's pause: `AccountPause`, one row per account in the database, "paused until". Each worker
  pushes the pauses its senders met there and reads it back every PAUSE_SYNC_SECONDS, so one 429 pauses
  every worker for that account.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..models import AccountPause

# Advisory lock keys are (class, object): the class is this base plus the slot number, the object the
# account's UserID. The base keeps the portal's locks apart from any other user of the database.
LOCK_CLASS_BASE = 0x41570000
PRESENCE_CLASS = LOCK_CLASS_BASE - 1  # a worker sending for the account (shared by every such worker)
PAUSE_SYNC_SECONDS = 0.5
SHARE_SECONDS = 1.0

_local_lock = threading.Lock()
_local_held: dict[int, set[int]] = {}  # account -> slots, when the database has no advisory locks


def _slot_count() -> int:
    return max(1, settings.AW_BULK_CONCURRENCY)


class AccountSlots:
    """The request slots one worker holds for one account. Use from one thread: its database connection
    holds the locks.

    A worker also says it is there (a shared advisory lock, gone with its session), so that each can
    keep to its fair share of the slots (`fair_share`): the slots are bounded, and shared out among the
    workers sending for the account, none starving another.
    """

    def __init__(self, aw_user_id: int) -> None:
        self.aw_user_id = aw_user_id
        self.held: set[int] = set()
        self._advisory = connection.vendor == "postgresql"
        self._share, self._share_at = _slot_count(), 0.0
        if self._advisory:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock_shared(%s, %s::int)", [PRESENCE_CLASS, aw_user_id])

    def fair_share(self) -> int:
        """The slots this worker may keep: all of them divided among the workers present, rounded up
        (looked up at most every SHARE_SECONDS)."""
        if self._advisory and time.monotonic() - self._share_at >= SHARE_SECONDS:
            self._share_at = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(DISTINCT pid) FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = %s "
                    "AND objid::bigint = %s AND objsubid = 2",
                    [PRESENCE_CLASS, self.aw_user_id],
                )
                present = max(1, cursor.fetchone()[0])
            self._share = -(-_slot_count() // present)
        return self._share

    def acquire(self, wanted: int) -> int:
        """Take up to `wanted` more free slots without waiting; how many were taken."""
        if wanted <= 0:
            return 0
        free = [slot for slot in range(_slot_count()) if slot not in self.held]
        taken = self._advisory_acquire(free, wanted) if self._advisory else self._local_acquire(free, wanted)
        self.held.update(taken)
        return len(taken)

    def _advisory_acquire(self, free: list[int], wanted: int) -> list[int]:
        # One statement tries the free slots in turn and stops at `wanted` taken. Slots this session
        # holds are left out: a session lock is re-entrant, and would be counted twice.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT slot FROM unnest(%s::int[]) AS slot WHERE pg_try_advisory_lock(%s + slot, %s::int) LIMIT %s",
                [free, LOCK_CLASS_BASE, self.aw_user_id, wanted],
            )
            return [row[0] for row in cursor.fetchall()]

    def _local_acquire(self, free: list[int], wanted: int) -> list[int]:
        with _local_lock:
            busy = _local_held.setdefault(self.aw_user_id, set())
            taken = [slot for slot in free if slot not in busy][:wanted]
            busy.update(taken)
            return taken

    def release(self, count: int = 1) -> None:
        for _ in range(min(count, len(self.held))):
            slot = self.held.pop()
            if self._advisory:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s + %s, %s::int)", [LOCK_CLASS_BASE, slot, self.aw_user_id])
            else:
                with _local_lock:
                    _local_held.get(self.aw_user_id, set()).discard(slot)

    def close(self) -> None:
        """Give every slot back, and leave."""
        self.release(len(self.held))
        if self._advisory:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock_shared(%s, %s::int)", [PRESENCE_CLASS, self.aw_user_id])


def account_pause_extend(*, aw_user_id: int, seconds: float) -> None:
    """Pause every worker's requests to this account for `seconds` from now (or longer, if it already is)."""
    until = timezone.now() + timedelta(seconds=seconds)
    with transaction.atomic():
        pause, created = AccountPause.objects.select_for_update().get_or_create(
            aw_user_id=aw_user_id, defaults={"paused_until": until}
        )
        if not created and pause.paused_until < until:
            pause.paused_until = until
            pause.save(update_fields=["paused_until"])


def account_pause_remaining(*, aw_user_id: int) -> float:
    """Seconds until requests to this account may go again (0 when they may now)."""
    until = AccountPause.objects.filter(aw_user_id=aw_user_id).values_list("paused_until", flat=True).first()
    return max(0.0, (until - timezone.now()).total_seconds()) if until else 0.0


class SharedPause:
    """The pause the pool threads of one worker wait on, kept in step with the account's shared pause by
    the worker's own thread (`sync`): threads never touch the database."""

    def __init__(self, aw_user_id: int) -> None:
        self.aw_user_id = aw_user_id
        self._lock = threading.Lock()
        self._until = 0.0  # time.monotonic()
        self._met: float = 0.0  # the longest pause a sender met since the last sync, in seconds
        self._synced_at = 0.0

    def wait(self) -> None:
        while (delay := self._remaining()) > 0:
            time.sleep(delay)

    def _remaining(self) -> float:
        with self._lock:
            return self._until - time.monotonic()

    def extend(self, seconds: float) -> None:
        """A sender met a 429: pause here at once, and everywhere at the next sync."""
        with self._lock:
            self._until = max(self._until, time.monotonic() + seconds)
            self._met = max(self._met, seconds)

    def sync(self, *, force: bool = False) -> None:
        """Push the pauses met here to the database and take the account's pause from it (worker thread)."""
        now = time.monotonic()
        if not force and now - self._synced_at < PAUSE_SYNC_SECONDS:
            return
        self._synced_at = now
        with self._lock:
            met, self._met = self._met, 0.0
        if met:
            account_pause_extend(aw_user_id=self.aw_user_id, seconds=met)
        remaining = account_pause_remaining(aw_user_id=self.aw_user_id)
        if remaining:
            with self._lock:
                self._until = max(self._until, time.monotonic() + remaining)
