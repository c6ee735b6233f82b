"""What the bulk workers share per AdultWork account: request slots (advisory locks on PostgreSQL) and
a 429's pause."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from albums.services.throttle import AccountSlots, SharedPause, account_pause_remaining

ACCOUNT = 200001


def test_a_429_pauses_every_sender_of_the_worker(db):
    pause = SharedPause(ACCOUNT)
    pause.extend(0.3)
    waited = []

    def other_sender():
        started = time.monotonic()
        pause.wait()
        waited.append(time.monotonic() - started)

    thread = threading.Thread(target=other_sender)
    thread.start()
    thread.join()
    assert waited[0] >= 0.25


def test_a_pause_met_by_one_worker_pauses_every_other_worker_of_the_account(db):
    met, other, elsewhere = SharedPause(ACCOUNT), SharedPause(ACCOUNT), SharedPause(ACCOUNT + 1)
    met.extend(30)

    met.sync(force=True)
    other.sync(force=True)
    elsewhere.sync(force=True)

    assert 29 < account_pause_remaining(aw_user_id=ACCOUNT) <= 30
    assert 29 < other._remaining() <= 30
    assert elsewhere._remaining() <= 0  # another account is not paused


def test_a_shorter_pause_never_shortens_a_longer_one(db):
    first, second = SharedPause(ACCOUNT), SharedPause(ACCOUNT)
    first.extend(30)
    first.sync(force=True)
    second.extend(1)
    second.sync(force=True)
    assert account_pause_remaining(aw_user_id=ACCOUNT) > 29


def test_slots_are_bounded_in_one_worker(db, settings):
    settings.AW_BULK_CONCURRENCY = 3
    slots = AccountSlots(ACCOUNT)
    assert slots.acquire(2) == 2
    assert slots.acquire(5) == 1
    slots.release()
    assert slots.acquire(5) == 1
    slots.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_every_worker_connection_shares_the_accounts_slots_and_a_dead_ones_come_back(settings):
    settings.AW_BULK_CONCURRENCY = 4

    def in_own_connection(work):
        """Run `work` on a thread of its own, so on a database connection of its own (as another worker)."""
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(work).result()

    first = AccountSlots(ACCOUNT)
    assert first.acquire(3) == 3  # this test's connection: one worker

    def second_worker():
        slots = AccountSlots(ACCOUNT)
        taken = slots.acquire(4)
        other_account = AccountSlots(ACCOUNT + 1).acquire(4)
        connection.close()  # as when the worker dies: PostgreSQL drops its session locks
        return taken, other_account

    assert in_own_connection(second_worker) == (1, 4)
    first.release()

    def third_worker():
        try:
            return AccountSlots(ACCOUNT).acquire(4)
        finally:
            connection.close()

    assert in_own_connection(third_worker) == 2  # the dead worker's slot came back, and the released one
    first.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_slots_are_shared_out_among_the_workers_present(settings):
    settings.AW_BULK_CONCURRENCY = 5
    first = AccountSlots(ACCOUNT)
    assert first.fair_share() == 5  # alone

    def second_worker():
        second = AccountSlots(ACCOUNT)
        try:
            return second.fair_share()
        finally:
            second.close()
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(second_worker).result() == 3  # two present: 5 / 2, rounded up
    first._share_at = 0.0  # look again now
    assert first.fair_share() == 5  # the second one left
    first.close()
