"""Timeline items as HTML, built in Python: a page has fifty, and each through the
template engine (a partial, two filters, a tag) cost more than the rest of the timeline.
The incident page, its older pages and the live frames all render items here."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from incidents.models import Event
from incidents.presentation.timeline_words import describe
from incidents.templatetags.incident_ui import event_kind
from incidents.templatetags.timeline import time_html

ITEM = (
    '<li id="event-{seq}" class="event" data-kind="{kind}" data-verb="{verb}">\n'
    '  <span class="what">{what}</span>\n'
    '  <span class="meta">{when} · #{seq}</span>\n'
    "</li>"
)


def items_html(events: Iterable[Event]) -> SafeString:
    zone = timezone.get_current_timezone()
    items = "\n".join(
        ITEM.format(
            seq=int(event.seq),
            kind=escape(event_kind(event)),
            verb=escape(event.verb),
            what=escape(describe(event)),
            when=time_html(event.occurred_at, zone),
        )
        for event in events
    )
    return mark_safe(items)  # noqa: S308 - every value is escaped above
