"""Durations in words, shared by pages, reminders and the regulator pack."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_text(moment: datetime | str | None, missing: str = "") -> str:
    """'2026-11-23 09:18 UTC' for a time or its ISO text (as events store it); `missing`
    when there is none or it cannot be read."""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return missing
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if moment else missing


def countdown_words(moment: datetime, now: datetime) -> str:
    """'in 2 d 3 h' or 'overdue by 5 h 10 min'."""
    seconds = int((moment - now).total_seconds())
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    span = f"{days} d {hours} h" if days else f"{hours} h {rest // 60} min"
    return f"in {span}" if seconds >= 0 else f"overdue by {span}"
