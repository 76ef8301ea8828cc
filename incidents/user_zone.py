"""Which time zone a person sees times in: the zone chosen on their profile (kept in the
session at sign-in, so no query per request), else the browser's (the `tz` cookie that
static/app.js writes, URL-encoded), else UTC. The data stays in UTC either way."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

COOKIE = "tz"
SESSION_KEY = "breachroom_time_zone"
UTC = zoneinfo.ZoneInfo("UTC")


@lru_cache(maxsize=512)
def parse_zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    """The zone for an IANA name ('Europe/Berlin', or 'Europe%2FBerlin' as a cookie holds
    it); None for anything else, so a forged cookie falls back instead of failing."""
    if not name:
        return None
    name = unquote(name).strip()
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def zone_of(session: Mapping[str, Any] | None, cookies: Mapping[str, str]) -> zoneinfo.ZoneInfo:
    chosen = parse_zone(session.get(SESSION_KEY)) if session is not None else None
    return chosen or parse_zone(cookies.get(COOKIE)) or UTC


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """The IANA zones a profile may choose, sorted (UTC first)."""
    names = sorted(n for n in zoneinfo.available_timezones() if "/" in n and n[0].isupper())
    return ("UTC", *(n for n in names if not n.startswith(("Etc/", "SystemV/", "posix/"))))


def utc_offset_text(zone: dt.tzinfo, at: dt.datetime) -> str:
    """'UTC+05:30' for a zone at a moment (daylight saving moves it)."""
    offset = at.astimezone(zone).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"
