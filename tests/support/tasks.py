"""Running background tasks for real: the database task backend and `manage.py db_worker`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import connections
from django_tasks_db.management.commands import db_worker

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def worker_run() -> None:
    """`manage.py db_worker` until the queue is empty."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)


@contextmanager
def worker_thread() -> Iterator[threading.Thread]:
    """The worker, run in a thread while the test goes on (driving a browser, say); joined on the way out.

    Only the main thread may install signal handlers, so the worker's Ctrl-C handling is left out.
    """
    failures: list[BaseException] = []

    def work() -> None:
        try:
            worker_run()
        except BaseException as exc:  # reported on the test's thread
            failures.append(exc)
        finally:
            connections.close_all()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(db_worker.Worker, "configure_signals", lambda worker: None)
        thread = threading.Thread(target=work, name="db_worker", daemon=True)
        thread.start()
        try:
            yield thread
        finally:
            thread.join(timeout=60)
    assert not thread.is_alive(), "the worker did not finish"
    assert not failures, f"the worker failed: {failures}"
