"""The incident list's rows as HTML, built in Python.

Fifty rows through the template engine (variable lookups, filters, a `{% url %}` per row)
cost most of the list page; the same markup built here costs about a tenth. The page and
the live frames (realtime.frames.dashboard_rows) both render rows through this module, so
their markup cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import tzinfo
from html import escape
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from incidents.models import SEVERITY_MEANING, Incident, Severity, Status
from incidents.templatetags.timeline import time_html

_PLACEHOLDER = "__reference__"
ROW = (
    '<tr id="incident-row-{pk}"{oob}>\n'
    '  <td><a href="{href}">{reference}</a>{restricted}</td>\n'
    "  <td>{title}</td>\n"
    '  <td><span class="sev sev-{severity}" title="{meaning}">{severity_label}</span></td>\n'
    '  <td><span class="status status-{status}">{status_label}</span>{overdue}</td>\n'
    "  <td>{commander}</td>\n"
    "  <td>{opened}</td>\n"
    "</tr>"
)
RESTRICTED = ' <span class="tag">restricted</span>'
ROTATION_OVERDUE = ' <span class="tag overdue">rotation overdue</span>'
STEP_OVERDUE = ' <span class="tag overdue">step overdue</span>'
# Labels escaped once: get_FOO_display() per row goes through lazy translation each time.
SEVERITY_LABELS = {s.value: escape(str(s.label)) for s in Severity}
SEVERITY_MEANINGS = {s.value: escape(SEVERITY_MEANING[s]) for s in Severity}
STATUS_LABELS = {s.value: escape(str(s.label)) for s in Status}


def detail_url_maker() -> Callable[[str], str]:
    """One reverse() per page instead of one per row (each costs ~0.1 ms)."""
    pattern = reverse("incidents:detail", args=[_PLACEHOLDER])
    return lambda reference: pattern.replace(_PLACEHOLDER, quote(reference, safe=""))


def row_html(
    incident: Incident, detail_url: Callable[[str], str], zone: tzinfo, oob: str = ""
) -> str:
    """One row; `oob` marks it for an out-of-band swap (live frames)."""
    overdue = (ROTATION_OVERDUE if getattr(incident, "rotation_overdue", False) else "") + (
        STEP_OVERDUE if getattr(incident, "step_overdue", False) else ""
    )
    severity, status = incident.severity, incident.status
    return ROW.format(
        pk=int(incident.pk),
        oob=f' hx-swap-oob="{escape(oob)}"' if oob else "",
        href=escape(detail_url(incident.reference)),
        reference=escape(incident.reference),
        restricted=RESTRICTED if incident.restricted else "",
        title=escape(incident.title),
        severity=escape(severity),
        meaning=SEVERITY_MEANINGS.get(severity, ""),
        severity_label=SEVERITY_LABELS.get(severity) or escape(severity),
        status=escape(status),
        status_label=STATUS_LABELS.get(status) or escape(status),
        overdue=overdue,
        commander=escape(str(incident.commander)) if incident.commander_id else "—",
        opened=time_html(incident.created_at, zone),
    )


def rows_html(incidents: Iterable[Incident], oob: str = "") -> SafeString:
    detail_url, zone = detail_url_maker(), timezone.get_current_timezone()
    rows = "\n".join(row_html(i, detail_url, zone, oob) for i in incidents)
    return mark_safe(rows)  # noqa: S308 - every value is escaped in row_html
