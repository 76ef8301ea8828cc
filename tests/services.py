"""Real backing services for tests. On CI (CI=true) a missing one fails the test; on a
developer machine without it the test is skipped with the reason."""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings
from django.db import connection

ON_CI = os.environ.get("CI", "").lower() == "true"


def _missing(what: str) -> None:
    if ON_CI:
        pytest.fail(f"{what} is required on CI but is not available")
    pytest.skip(f"{what} not available here (set DATABASE_URL / REDIS_URL to run this)")


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        _missing("PostgreSQL (DATABASE_URL)")


def require_redis() -> None:
    if not settings.REDIS_URL:
        _missing("Redis (REDIS_URL)")
        return
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError:
        _missing(f"Redis at {settings.REDIS_URL}")


def require_chromium() -> str:
    path = "/usr/bin/chromium"
    if not os.path.exists(path) and not shutil.which("chromium"):
        _missing("Chromium (/usr/bin/chromium)")
    return path
