"""Durations in words, shared by pages, reminders and the regulator pack."""

from __future__ import annotations

from datetime import datetime


def countdown_words(moment: datetime, now: datetime) -> str:
    """'in 2 d 3 h' or 'overdue by 5 h 10 min'."""
    seconds = int((moment - now).total_seconds())
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    span = f"{days} d {hours} h" if days else f"{hours} h {rest // 60} min"
    return f"in {span}" if seconds >= 0 else f"overdue by {span}"
