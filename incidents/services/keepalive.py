"""A heartbeat on a row while a worker works on it: the row's `heartbeat_at` rewritten
every few seconds from a thread of its own (the work waits on the network; the beat must
not wait for it). It dies with the worker, and that silence is how the sweepers tell a
lost piece of work from a slow one (services/check_runs.py, services/notices.py)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DatabaseError, connections
from django.db.models import QuerySet
from django.utils import timezone

log = logging.getLogger(__name__)


@contextmanager
def beating(rows: Callable[[], QuerySet[Any]], every: float, name: str) -> Iterator[None]:
    """`rows`: the row(s) to beat on, as a fresh queryset each time (filtered so that a
    finished piece of work stops beating)."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    rows().update(heartbeat_at=timezone.now())
                except DatabaseError as error:  # the database away: beat again when back
                    log.warning("%s: heartbeat not written: %s", name, error)
        finally:
            connections.close_all()  # this thread's own connections only

    thread = threading.Thread(target=beat, name=f"{name} heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
