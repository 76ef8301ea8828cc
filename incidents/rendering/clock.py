"""The clock in a shared rendering.

Words that move every minute ("in 3 h 10 min", "2 h ago") are drawn as `<time>` elements
the browser ticks (static/app.js), so no minute is part of any key. What flips at one
moment ("Open" becoming "Overdue", a rotation counted late, a breach becoming long-running)
is noted while drawing: the rendering is kept only until the earliest such moment still
ahead, then drawn again, and the page that shows it asks for it again then
(`data-refresh-at`). So a stored rendering is never wrong about a deadline, whatever the
minute it is served.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_flips: ContextVar[list[datetime] | None] = ContextVar("rendering_flips", default=None)


def note_flip(moment: datetime | None) -> None:
    """What is being drawn changes when the clock reaches `moment`."""
    found = _flips.get()
    if found is not None and moment is not None:
        found.append(moment)


class Watch:
    def __init__(self, started: datetime) -> None:
        self.started = started
        self.moments: list[datetime] = []

    def expires(self) -> datetime | None:
        """The earliest noted moment after the drawing started, if any."""
        ahead = [m for m in self.moments if m > self.started]
        return min(ahead) if ahead else None


@contextlib.contextmanager
def watching() -> Iterator[Watch]:
    watch = Watch(timezone.now())
    token = _flips.set(watch.moments)
    try:
        yield watch
    finally:
        _flips.reset(token)
