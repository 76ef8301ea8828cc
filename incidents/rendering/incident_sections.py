"""The sections of an incident page, each a shared rendering.

A section names the sources it reads (models/revision.py) and how to build its context
for a role set. Its key is: the incident, the section, those sources' revisions, every
shared source's revision (people, catalogue, partners and credentials appear all over the
page), the role set, the time zone and the code. No minute is in any key: countdowns tick
in the browser, and what flips at a deadline is redrawn then (rendering/clock.py).

Sections are rendered without a person: `RoleSet` stands in for the viewer, and a form's
CSRF token is a placeholder swapped on the way out (rendering/store.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from incidents.access import Ability, Pass, may
from incidents.models import Exposure, Incident
from incidents.models.revision import SHARED_SOURCE_NAMES
from incidents.rendering import store
from incidents.roles import RoleSet
from incidents.selectors import incidents as incident_selectors
from incidents.selectors import mitigation, notices, obligations
from incidents.services.incident_fields import EDITABLE, editable_fields

DETAIL = "incidents/incident_detail.html"
EVENTS = "events"  # the event chain: its version is the incident's seq and head hash


@dataclass(frozen=True)
class Section:
    name: str  # also the id of its root element on the page
    partial: str
    sources: tuple[str, ...]
    build: Callable[[IncidentLoader, RoleSet], dict[str, Any]]


def _members(load: IncidentLoader, viewer: RoleSet) -> dict[str, Any]:
    incident = load()
    return {
        "incident": incident,
        "members": list(incident.members.order_by("username")) if incident.restricted else [],
        "can_manage_members": may(viewer, Ability.MANAGE_MEMBERS),
    }


def _facts(load: IncidentLoader, viewer: RoleSet) -> dict[str, Any]:
    return {
        "incident": load(),
        "facts": incident_selectors.EDITABLE_FACTS,
        "can_write": may(viewer, Ability.WRITE_RESPONSE),
        "editable": editable_fields(viewer, EDITABLE),
    }


def _checks(load: IncidentLoader, viewer: RoleSet) -> dict[str, Any]:
    return {"incident": load(), "can_write": may(viewer, Ability.WRITE_RESPONSE)}


def _exposures(load: IncidentLoader, viewer: RoleSet) -> dict[str, Any]:
    return incident_selectors.exposure_section_context(load(), viewer, rows=load.exposures())


def _risk(load: IncidentLoader, viewer: RoleSet) -> dict[str, Any]:
    return obligations.risk_context(load(), viewer, exposures=load.exposures())


def _obligations(load: IncidentLoader, viewer: RoleSet) -> dict[str, Any]:
    return obligations.obligations_context(load(), viewer, exposures=load.exposures())


SECTIONS: dict[str, Section] = {
    s.name: s
    for s in (
        Section(
            "incident-header",
            "incident-header",
            ("incident",),
            lambda load, v: incident_selectors.incident_header_context(load(), v),
        ),
        Section("facts", "facts", ("incident",), _facts),
        Section("members", "members", ("incident", "members"), _members),
        Section("summary", "summary", ("incident",), _facts),
        Section(
            "checklist",
            "checklist",
            # "incident": its commander may move every step; "evidence": files on steps
            ("incident", "checklist", "evidence"),
            lambda load, v: mitigation.checklist_context(load(), v),
        ),
        Section("checks", "checks", (), _checks),
        # "evidence": what backs each ruling out is shown beside it.
        Section("exposures", "exposures", ("exposure", "evidence"), _exposures),
        Section(
            "obligations",
            "obligations",
            ("incident", "exposure", "risk", "obligation", "notice", "evidence"),
            _obligations,
        ),
        Section("risk", "risk", ("incident", "exposure", "risk"), _risk),
        Section(
            "rotations",
            "rotations",
            ("rotation", "evidence"),
            lambda load, v: mitigation.rotation_section_context(load(), v),
        ),
        Section(
            "notices",
            "notices",
            ("incident", "exposure", "notice"),
            lambda load, v: notices.notices_section_context(load(), v),
        ),
        Section(
            "notes",
            "notes",
            ("note", "evidence"),
            lambda load, v: incident_selectors.notes_context(load(), v),
        ),
    )
}
# Left column, then right; the timeline loads as its own URL (views/timeline.py).
PAGE_LEFT = ("facts", "members", "summary", "checklist", "checks")
PAGE_RIGHT = ("exposures", "obligations", "risk", "rotations", "notices", "notes")
# Long sections the page leaves out of its first load: a placeholder at their place loads
# them from their own URL when scrolled into view (views/mitigation.py: rotations).
LAZY = frozenset({"rotations"})
# Everything a live frame may redraw: a lazy section not loaded yet is swapped in whole.
LIVE = (*PAGE_LEFT, *PAGE_RIGHT, "incident-header")


def section_key(gate: Pass, section: Section, zone: str) -> str:
    revisions = [gate.revision(s) for s in section.sources]
    shared = [gate.revision(s) for s in SHARED_SOURCE_NAMES]
    return store.key(
        "section",
        gate.incident_id,
        section.name,
        revisions,
        shared,
        gate.viewer.key,
        zone,
    )


def fact_key(gate: Pass, fact: str, zone: str) -> str:
    shared = [gate.revision(s) for s in SHARED_SOURCE_NAMES]
    return store.key(
        "fact", gate.incident_id, fact, gate.revision("incident"), shared, gate.viewer.key, zone
    )


class IncidentLoader:
    """The incident with what the sections show, loaded once and only if some rendering
    is missing from the store."""

    def __init__(self, gate: Pass) -> None:
        self.gate = gate
        self._incident: Incident | None = None
        self._exposures: list[Exposure] | None = None

    def exposures(self) -> list[Exposure]:
        """The incident's exposures, read once for the three sections that show them."""
        if self._exposures is None:
            self._exposures = list(
                Exposure.objects.filter(incident_id=self.gate.incident_id).select_related(
                    "category", "decided_by"
                )
            )
        return self._exposures

    def __call__(self) -> Incident:
        if self._incident is None:
            found = incident_selectors.incident_with_relations(
                Incident.objects.filter(pk=self.gate.incident_id)
            ).first()
            if found is None:  # deleted since the gate let the viewer in
                raise Incident.DoesNotExist
            self._incident = found
        return self._incident


def render_sections(
    gate: Pass, names: tuple[str, ...] | list[str], load: IncidentLoader | None = None
) -> dict[str, str]:
    """The sections by name, for this gate's role set in the active time zone, from the
    store or drawn now. CSRF tokens are still placeholders."""
    zone = timezone.get_current_timezone_name()
    load = load or IncidentLoader(gate)
    viewer = gate.viewer
    wanted: dict[str, Callable[[], str]] = {}
    by_key: dict[str, str] = {}
    for name in names:
        section = SECTIONS[name]
        section_id = section_key(gate, section, zone)
        by_key[name] = section_id
        wanted[section_id] = _drawer(section, load, viewer)
    found = store.fetch(wanted)
    return {name: found[by_key[name]] for name in names}


def render_facts(
    gate: Pass, facts: list[str], load: IncidentLoader | None = None
) -> dict[str, str]:
    """Single facts, for live frames: only the facts an event changed are re-sent, so an
    editor someone has open on another fact stays open."""
    zone = timezone.get_current_timezone_name()
    load = load or IncidentLoader(gate)
    viewer = gate.viewer
    wanted = {fact_key(gate, fact, zone): _fact_drawer(fact, load, viewer) for fact in facts}
    found = store.fetch(wanted)
    return {fact: found[fact_key(gate, fact, zone)] for fact in facts}


def _drawer(section: Section, load: IncidentLoader, viewer: RoleSet) -> Callable[[], str]:
    def draw() -> str:
        context = {**section.build(load, viewer), "csrf_token": store.csrf_placeholder()}
        return render_to_string(f"{DETAIL}#{section.partial}", context)

    return draw


def _fact_drawer(fact: str, load: IncidentLoader, viewer: RoleSet) -> Callable[[], str]:
    def draw() -> str:
        context = {**_facts(load, viewer), "fact": fact, "csrf_token": store.csrf_placeholder()}
        return render_to_string(f"{DETAIL}#fact", context)

    return draw


def out_of_band(html: str) -> str:
    """The rendering marked to replace the element with its id where it stands (htmx
    out-of-band swap): the same bytes as the page's, one attribute added."""
    return store.mark_root(html, 'hx-swap-oob="true"')
