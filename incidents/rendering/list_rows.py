"""The incident list's rows, each a shared rendering (templates/incidents/incident_row.html).

A row's key is every value it shows, the time zone and the swap it is sent with: the same
bytes serve every viewer the list's query let see the incident (that query runs for each
viewer), and a change made by any route, with a signal or without, is a new key. A row
whose work falls due says "overdue" from that moment on (rendering/clock.py): the store
keeps it only until then, and an open page asks for it again then. The page and the live
frames (realtime/frames.py) both draw rows here, so their markup cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from incidents.models import SEVERITY_MEANING, Severity, Status
from incidents.rendering import clock, store
from incidents.selectors.incident_list import ListRow

ROW = "incidents/incident_row.html"
PREPEND = "incidents/incident_list.html#rows-prepended"


def rows_html(rows: Iterable[ListRow], oob: str = "") -> SafeString:
    """The rows in order; `oob` marks each for an out-of-band swap (live frames)."""
    zone = timezone.get_current_timezone_name()
    keys: list[str] = []
    wanted: dict[str, Callable[[], str]] = {}
    for row in rows:
        key = store.key("list-row", row, zone, oob)
        keys.append(key)
        wanted[key] = partial(_draw, row, oob)
    found = store.fetch(wanted)
    return mark_safe("\n".join(found[key] for key in keys))  # noqa: S308 - our renderings


def prepended_html(rows: Iterable[ListRow]) -> SafeString:
    """New rows for the top of an open list (a live frame)."""
    return mark_safe(render_to_string(PREPEND, {"rows": rows_html(rows)}))  # noqa: S308


def _draw(row: ListRow, oob: str) -> str:
    now = timezone.now()
    for due in (row.rotation_due_at, row.step_due_at, row.next_duty_at):
        clock.note_flip(due)
    context = {
        "row": row,
        "oob": oob,
        "severity_label": _label(Severity, row.severity),
        "severity_meaning": _meaning(row.severity),
        "status_label": _label(Status, row.status),
        "rotation_overdue": row.rotation_due_at is not None and row.rotation_due_at <= now,
        "step_overdue": row.step_due_at is not None and row.step_due_at <= now,
        "duty_overdue": row.next_duty_at is not None and row.next_duty_at <= now,
    }
    return render_to_string(ROW, context)


def _label(choices: type[Severity] | type[Status], value: str) -> str:
    """The choice's label; a value no longer among the choices is shown as stored."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _meaning(severity: str) -> str:
    try:
        return SEVERITY_MEANING[Severity(severity)]
    except ValueError:
        return ""
