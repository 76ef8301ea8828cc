"""Sessions in the database with Redis in front (Django's cached_db), where the cache is an
accelerator only: when it is away, the database answers and nobody is signed out or shown a
500. Django's own store already tolerates a failed read or save; this one also tolerates
the refill after a database read and the existence check. Deleting (signing out) still
needs the cache: a session left in it could come back when it returns."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

log = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def load(self) -> dict[str, Any]:
        try:
            return super().load()
        except Exception:
            log.warning("session cache unavailable; reading the session from the database")
            return DatabaseStore.load(self)

    def exists(self, session_key: str) -> bool:
        try:
            return bool(super().exists(session_key))
        except Exception:
            return bool(DatabaseStore.exists(self, session_key))
