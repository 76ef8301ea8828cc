"""Live frames for an incident page: the page's own shared renderings, marked for
out-of-band swap, gated per person and drawn once per role set and zone.

A frame is computed for everyone on one incident in a process at once (realtime/hub.py):
one gate statement for all of them (access.gate_many), then one frame per distinct
(role set, zone, position) from the shared store (rendering/). A person the gate refuses
gets None and is closed; nobody ever gets bytes drawn for a role set they do not hold.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone

from incidents.access import Pass, gate_many
from incidents.forms.triage import IncidentFilterForm
from incidents.models import Event
from incidents.models.revision import SHARED_SOURCE_NAMES
from incidents.rendering import list_rows, store
from incidents.rendering.incident_sections import (
    DETAIL,
    LIVE,
    SECTIONS,
    IncidentLoader,
    out_of_band,
    render_facts,
    render_sections,
)
from incidents.selectors import incident_list
from incidents.selectors import incidents as selectors
from incidents.user_zone import UTC, parse_zone

PAGE_SIZE = 100
STALE = "incidents/incident_list.html#results-stale"
# Facts and summary are re-sent one fact at a time (the ones events changed), so an
# editor someone has open on another fact stays open.
BY_FACT = ("facts", "summary")
FACTS = (*selectors.EDITABLE_FACTS, "summary")
Revisions = tuple[tuple[str, int], ...]


def _zone(name: str | None) -> zoneinfo.ZoneInfo:
    return parse_zone(name) or UTC


@dataclass(frozen=True)
class Watcher:
    """One open page: who, where its timeline stands, what it was last sent (None: the
    page as loaded, whose revisions the socket does not know), and its time zone."""

    user_id: int
    after_seq: int
    revisions: Revisions | None
    zone: str


@dataclass(frozen=True)
class Frame:
    html: str  # "" when there is nothing new for this page
    seq: int
    revisions: Revisions
    behind: bool = False  # more events than one frame carries: draw again at once


def incident_frames(incident_id: int, watchers: list[Watcher]) -> dict[Watcher, Frame | None]:
    """The next frame for every watcher of one incident (None: may no longer see it)."""
    passes = gate_many(incident_id, [w.user_id for w in watchers])
    events: dict[int, list[Event]] = {}
    load: IncidentLoader | None = None  # the incident, loaded once for every role set
    drawn: dict[tuple[str, str, int, Revisions | None], Frame] = {}
    result: dict[Watcher, Frame | None] = {}
    for watcher in watchers:
        found = passes.get(watcher.user_id)
        if found is None:
            result[watcher] = None
            continue
        group = (found.viewer.key, watcher.zone, watcher.after_seq, watcher.revisions)
        if group not in drawn:
            if watcher.after_seq not in events:
                events[watcher.after_seq] = _events(found, watcher.after_seq)
            load = load or IncidentLoader(found)
            with timezone.override(_zone(watcher.zone)):
                drawn[group] = _frame(found, watcher, events[watcher.after_seq], load)
        result[watcher] = drawn[group]
    return result


def _events(gate: Pass, after_seq: int) -> list[Event]:
    # Bounded by the gate's seq: the frame shows the chain as of the revisions it read.
    return list(
        Event.objects.filter(
            incident_id=gate.incident_id, seq__gt=after_seq, seq__lte=gate.seq
        ).order_by("seq")[:PAGE_SIZE]
    )


def _revisions(gate: Pass) -> Revisions:
    return tuple(sorted(gate.revisions.items()))


def _frame(gate: Pass, watcher: Watcher, events: list[Event], load: IncidentLoader) -> Frame:
    now = _revisions(gate)
    last_seq = events[-1].seq if events else watcher.after_seq
    if watcher.revisions is None:
        # A page as loaded: only a gap in its timeline tells what it missed.
        names = list(LIVE) if events else []
    else:
        names = _changed_sections(dict(watcher.revisions), gate)
    if not names and not events:
        return Frame("", watcher.after_seq, now)
    parts: list[str] = []
    whole = [n for n in names if n not in BY_FACT or watcher.revisions is None]
    rendered = render_sections(gate, whole, load)
    parts.extend(out_of_band(rendered[name]) for name in whole)
    if watcher.revisions is not None and set(names) & set(BY_FACT):
        facts = _changed_facts(events)
        parts.extend(out_of_band(html) for html in render_facts(gate, facts, load).values())
    if events:
        parts.append(_timeline_slice(gate, events))
        parts.append(render_to_string(f"{DETAIL}#live-seq", {"seq": last_seq, "oob": True}))
    # Forms in frames post their CSRF token in htmx's header (base.html); the shared
    # placeholder is emptied so the header is what Django reads.
    html = store.personalise("".join(parts), "")
    return Frame(html, last_seq, now, behind=last_seq < gate.seq)


def _changed_sections(before: dict[str, int], gate: Pass) -> list[str]:
    """Sections any of whose sources (or any shared source) moved since the last frame."""
    moved = {s for s, rev in gate.revisions.items() if before.get(s) != rev}
    moved |= {s for s in before if s not in gate.revisions}
    if moved & set(SHARED_SOURCE_NAMES):
        return list(LIVE)
    return [
        name
        for name, section in SECTIONS.items()
        if section.sources and moved & set(section.sources)
    ]


def _timeline_slice(gate: Pass, events: list[Event]) -> str:
    """The events as timeline items to prepend; the chain's hash names their content."""
    zone = timezone.get_current_timezone_name()
    last = events[-1]
    first = events[0].seq
    key = store.key(
        "timeline-slice", gate.incident_id, first, last.seq, last.hash, gate.viewer.key, zone
    )

    def draw() -> str:
        return render_to_string(f"{DETAIL}#timeline-oob", {"events": list(reversed(events))})

    return store.fetch({key: draw})[key]


def _changed_facts(events: list[Event]) -> list[str]:
    """Only the facts these events changed: re-rendering the others would close an editor
    someone has open on them for nothing."""
    changed: set[str] = set()
    for event in events:
        if event.verb == "incident.opened":
            return list(FACTS)
        if event.verb.startswith("incident."):
            changed |= set(event.after)
    return [fact for fact in FACTS if fact in changed]


def dashboard_rows(
    *, user: Any, incident_ids: list[int], opened_ids: list[int], filters: str, tz: str | None
) -> str:
    """List rows for changed incidents this user may see: new ones that match the viewer's
    filters are prepended, changed ones replaced, ones that no longer match removed. Who
    sees what is asked per viewer; the rows are the list's shared renderings."""
    visible = incident_list.rows_among(user, incident_ids)
    if not visible:
        return ""
    form = IncidentFilterForm(QueryDict(filters))
    form.is_valid()
    matching = incident_list.matching_among(user, form.cleaned_data, [row.pk for row in visible])
    opened = set(opened_ids)
    gone = [row for row in visible if row.pk not in matching]
    new = [row for row in visible if row.pk in matching and row.pk in opened]
    changed = [row for row in visible if row.pk in matching and row.pk not in opened]
    with timezone.override(_zone(tz)):
        return "".join(
            (
                list_rows.rows_html(gone, oob="delete"),
                list_rows.prepended_html(new) if new else "",
                list_rows.rows_html(changed, oob="true"),
                # Rows came or went: the count, the pages and which rows belong on this
                # page moved too; the page asks for its results again (static/app.js).
                render_to_string(STALE, {"new": len(new), "gone": len(gone)})
                if new or gone
                else "",
            )
        )
