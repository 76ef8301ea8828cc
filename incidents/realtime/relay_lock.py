"""One active relay at a time: a PostgreSQL session advisory lock on its own connection,
which also LISTENs for the NOTIFY every appended event sends at commit, so the relay
publishes as soon as a change commits rather than at its next poll.

SQLite (embedded) has one web process and so one relay; the lock is then always held and
the relay polls.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from django.conf import settings

from incidents.models.event import OUTBOX_CHANNEL

RELAY_LOCK_KEY = 0x62726F6F6D  # "broom"
RECHECK_SECONDS = 5.0
# Listening, the relay still looks this often: a safety net, not the path.
NOTIFY_FALLBACK_SECONDS = 1.0


class HeldLock:
    def __init__(self, connection: object | None) -> None:
        self._connection = connection
        self._checked_at = time.monotonic()
        self._alive = True

    def __bool__(self) -> bool:
        return self._alive

    def still_held(self) -> bool:
        """True while the lock's connection lives (checked every few seconds)."""
        if self._connection is None or not self._alive:
            return self._alive
        if time.monotonic() - self._checked_at < RECHECK_SECONDS:
            return True
        self._checked_at = time.monotonic()
        try:
            self._connection.execute("SELECT 1")  # type: ignore[attr-defined]
        except Exception:
            self._alive = False
        return self._alive

    async def wait_for_news(self, seconds: float) -> None:
        """Until an event commits (PostgreSQL's NOTIFY) or `seconds` pass."""
        if self._connection is None:
            await asyncio.sleep(seconds)
            return
        await asyncio.to_thread(self._wait, max(seconds, NOTIFY_FALLBACK_SECONDS))

    def _wait(self, seconds: float) -> None:
        listening: Any = self._connection
        try:
            for _ in listening.notifies(timeout=seconds, stop_after=1):
                pass
        except Exception:
            self._alive = False


def _conninfo() -> dict:
    db = settings.DATABASES["default"]
    params = {
        "dbname": db["NAME"],
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    return {k: v for k, v in params.items() if v}


@asynccontextmanager
async def relay_lock() -> AsyncIterator[HeldLock]:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        yield HeldLock(None)
        return
    import psycopg

    connection = psycopg.connect(autocommit=True, **_conninfo())
    try:
        row = connection.execute("SELECT pg_try_advisory_lock(%s)", [RELAY_LOCK_KEY]).fetchone()
        held = HeldLock(connection)
        held._alive = bool(row and row[0])
        if held:
            connection.execute(f"LISTEN {OUTBOX_CHANNEL}")
        yield held
    finally:
        connection.close()
