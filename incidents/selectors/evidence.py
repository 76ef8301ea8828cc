"""What the pages show of an incident's evidence: the files a form may link, and what backs
each decision (files linked, a passing check's proof, a second person's confirmation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from incidents.models import (
    ChecklistItem,
    Evidence,
    EvidenceLink,
    Exposure,
    Incident,
    Note,
    Obligation,
    RotationTask,
    RunStatus,
)
from incidents.services.confirmations import confirmations_by_target
from incidents.services.evidence_links import TARGETS, kind_of, linked_files, target_name

# Most rotation tasks an evidence page offers to link to (a campaign can have thousands:
# beyond this, link from the bulk move's "Proof" on the rotation table).
ROTATIONS_OFFERED = 200


def file_choices(incident: Incident) -> list[tuple[int, str]]:
    """Files that may back a decision: (id, 'name · SHA-256 abcd1234…'), newest first."""
    files = Evidence.objects.filter(
        incident=incident, redacted_at=None, quarantined_at=None
    ).select_related("blob")
    return [(f.pk, f"{f.filename} · SHA-256 {f.blob.sha256[:12]}…") for f in files]


@dataclass
class Backing:
    """What one exposure or rotation task rests on, for the page beside its status."""

    files: list[Evidence] = field(default_factory=list)
    asked: list[Any] = field(default_factory=list)  # confirmations waiting for an answer
    confirmed: list[Any] = field(default_factory=list)

    @property
    def usable_files(self) -> list[Evidence]:
        return [f for f in self.files if f.usable and proves(f)]

    @property
    def backed(self) -> bool:
        return bool(self.usable_files or self.confirmed)


def proves(evidence: Evidence) -> bool:
    """A check's proof backs a decision only if its run passed."""
    run = evidence.check_run
    return run is None or run.status == RunStatus.PASS


def backings(incident_id: int, kind: str) -> dict[int, Backing]:
    """Every exposure's or rotation task's backing, by its id: two queries."""
    found: dict[int, Backing] = {}
    for (each_kind, target_id), files in linked_files(incident_id).items():
        if each_kind == kind:
            found.setdefault(target_id, Backing()).files.extend(files)
    for (each_kind, target_id), rows in confirmations_by_target(incident_id).items():
        if each_kind == kind:
            backing = found.setdefault(target_id, Backing())
            for row in rows:
                (backing.confirmed if row.state == "confirmed" else backing.asked).append(row)
    return found


def files_by_target(incident_id: int) -> dict[str, dict[int, list[Evidence]]]:
    """Files in force by kind then target id (steps, duties, notes show their files)."""
    found: dict[str, dict[int, list[Evidence]]] = {}
    for (kind, target_id), files in linked_files(incident_id).items():
        found.setdefault(kind, {})[target_id] = files
    return found


def link_targets(incident: Incident) -> list[tuple[str, list[tuple[str, str]]]]:
    """What a file of this incident may be linked to, grouped for a <select>: value
    'kind:id'. One query per kind."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    rows: dict[str, Any] = {
        "exposure": Exposure.objects.filter(incident=incident).select_related("category"),
        "step": ChecklistItem.objects.filter(incident=incident).order_by("position", "pk"),
        "rotation": RotationTask.objects.filter(incident=incident).select_related("credential")[
            :ROTATIONS_OFFERED
        ],
        "obligation": Obligation.objects.filter(incident=incident).order_by("deadline", "pk"),
        "note": Note.objects.filter(incident=incident).select_related("author")[:50],
    }
    for kind, found in rows.items():
        options = [(f"{kind}:{row.pk}", target_name(kind, row)) for row in found]
        if options:
            groups.append((TARGETS[kind][1].capitalize(), options))
    return groups


@dataclass(frozen=True)
class LinkShown:
    pk: int
    called: str  # "duty", "checklist step", ...
    name: str
    linked_by: str
    linked_at: Any


def links_by_file(incident: Incident) -> dict[int, list[LinkShown]]:
    """Each file's links in force, with the name of what it is linked to."""
    related = ["exposure__category", "step", "rotation__credential", "obligation", "note__author"]
    links = EvidenceLink.objects.filter(incident=incident, unlinked_at=None).select_related(
        "linked_by", *related
    )
    found: dict[int, list[LinkShown]] = {}
    for each in links:
        kind = kind_of(each)
        found.setdefault(each.evidence_id, []).append(
            LinkShown(
                pk=each.pk,
                called=TARGETS[kind][1],
                name=target_name(kind, getattr(each, kind)),
                linked_by=each.linked_by.get_username() if each.linked_by else "Breachroom",
                linked_at=each.linked_at,
            )
        )
    return found


@dataclass(frozen=True)
class EvidenceLine:
    """One piece of evidence behind a fact the record states, for the regulator pack."""

    backs: str  # "Affected data “Financial and payment information” (ruled out)"
    what: str  # the file's name, or the confirmation in words
    sha256: str = ""
    size: int | None = None
    source: str = ""


def evidence_behind_facts(incident: Incident) -> list[EvidenceLine]:
    """Files in force behind exposures, rotation tasks and duties (a check's proof only if
    it passed) and confirmed four-eyes decisions. A fixed number of queries."""
    lines: list[EvidenceLine] = []
    labels = {
        "exposure": lambda e: (
            f"Affected data “{e.category.name}” ({e.get_status_display().lower()})"
        ),
        "rotation": lambda t: (
            f"Rotation of “{t.credential.name}” ({t.get_state_display().lower()})"
        ),
        "obligation": lambda o: f"Duty “{o.name}” ({o.get_state_display().lower()})",
    }
    links = (
        EvidenceLink.objects.filter(
            incident=incident,
            unlinked_at=None,
            evidence__redacted_at=None,
            evidence__quarantined_at=None,
        )
        .exclude(exposure=None, rotation=None, obligation=None)
        .select_related(
            "evidence__blob",
            "evidence__check_run",
            "exposure__category",
            "rotation__credential",
            "obligation",
        )
        .order_by("pk")
    )
    for each in links:
        kind = kind_of(each)
        if not proves(each.evidence):
            continue
        lines.append(
            EvidenceLine(
                backs=labels[kind](getattr(each, kind)),
                what=each.evidence.filename,
                sha256=each.evidence.blob.sha256,
                size=each.evidence.blob.size,
                source=each.evidence.get_source_display(),
            )
        )
    for (kind, _), rows in confirmations_by_target(incident.pk).items():
        for row in rows:
            if row.state != "confirmed":
                continue
            target = row.exposure if kind == "exposure" else row.rotation
            lines.append(
                EvidenceLine(
                    backs=labels[kind](target),
                    what=(
                        f"Four-eyes: asked by {row.asked_by.get_username()}, confirmed by "
                        f"{row.answered_by.get_username() if row.answered_by else '?'}: "
                        f"“{row.justification}”"
                    ),
                )
            )
    return lines
