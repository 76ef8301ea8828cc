"""Times and durations in words, shared by pages, frames, reminders, the regulator pack,
the register and notices. Shown in the current zone (the viewer's: incidents.user_zone)
with UTC beside it whenever the zone is not UTC, so a printed or forwarded time is never
ambiguous. A stored time that cannot be shown in a zone (year 1 in a zone west of UTC)
is shown in UTC rather than failing the page."""

from __future__ import annotations

import math
from datetime import UTC, datetime, tzinfo

from django.utils import timezone


def _moment(value: datetime | str | None) -> datetime | None:
    """A time, or its ISO text (as events store it); None when there is none or it
    cannot be read."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if value is not None and value.tzinfo is None:
        return None  # naive: which zone it meant is unknown, so say nothing rather than guess
    return value


def stamp(moment: datetime) -> str:
    """'2026-11-23 09:18' (strftime would print year 1 as '1')."""
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} {moment:%H:%M}"


def in_zone(moment: datetime, zone: tzinfo | None = None) -> datetime | None:
    """`moment` in `zone` (the current one by default); None when it falls outside the
    range of dates (years 1 to 9999) there."""
    try:
        return moment.astimezone(zone or timezone.get_current_timezone())
    except (OverflowError, ValueError):
        return None


def is_utc(zone: tzinfo) -> bool:
    return str(zone) in ("UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z")


def utc_text(moment: datetime | str | None, missing: str = "") -> str:
    """'2026-11-23 09:18 UTC'."""
    value = _moment(moment)
    return f"{stamp(value.astimezone(UTC))} UTC" if value else missing


def local_text(moment: datetime | str | None, missing: str = "", zone: tzinfo | None = None) -> str:
    """'2026-11-23 10:18 CET (09:18 UTC)' in the current zone, or '2026-11-23 09:18 UTC'
    when that zone is UTC or the time cannot be shown in it."""
    value = _moment(moment)
    if value is None:
        return missing
    zone = zone or timezone.get_current_timezone()
    local = None if is_utc(zone) else in_zone(value, zone)
    if local is None:
        return utc_text(value)
    utc = value.astimezone(UTC)
    same_day = local.date() == utc.date()
    utc_part = f"{utc:%H:%M}" if same_day else stamp(utc)
    return f"{stamp(local)} {local.tzname()} ({utc_part} UTC)"


def local_iso(moment: datetime | None) -> str:
    """ISO 8601 with the offset of the current zone ('2026-11-23T10:18:00+01:00'): the same
    instant as the UTC value, readable in the viewer's zone (CSV exports)."""
    if moment is None:
        return ""
    return (in_zone(moment) or moment.astimezone(UTC)).isoformat(timespec="seconds")


def since_words(moment: datetime, now: datetime) -> str:
    """'3 h 12 min ago' (static/app.js says the same as the clock moves)."""
    seconds = max(0, int((now - moment).total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h ago"
    if hours:
        return f"{hours} h {minutes} min ago"
    return f"{minutes} min ago"


def countdown_words(moment: datetime, now: datetime) -> str:
    """'in 2 d 3 h' or 'overdue by 5 h 10 min'. Rounded down: a moment half a second past
    is overdue, never "in 0 h 0 min" (static/app.js says the same)."""
    seconds = math.floor((moment - now).total_seconds())
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    span = f"{days} d {hours} h" if days else f"{hours} h {rest // 60} min"
    return f"in {span}" if seconds >= 0 else f"overdue by {span}"
