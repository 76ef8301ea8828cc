"""The incident facts notices are built from, gathered in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from incidents.models import (
    ITEM_FINISHED,
    ROTATION_DONE,
    ChecklistItem,
    Exposure,
    ExposureStatus,
    Incident,
    RotationTask,
)
from incidents.notices.basis import Proof, proofs_by_target

MITIGATION_ROLE = "responder"


@dataclass(frozen=True)
class Facts:
    incident: Incident
    exposures: list[Exposure]
    done_steps: list[str]
    rotations_total: int
    rotations_done: int
    # What each exposure's decision rests on, by exposure id (notices/basis.py): a claim
    # built on a ruling out holds only while something still backs it.
    proofs: dict[int, list[Proof]] = field(default_factory=dict)

    def status_of(self, slug: str) -> str | None:
        for exposure in self.exposures:
            if exposure.category.slug == slug:
                return exposure.status
        return None

    def with_status(self, status: str) -> list[Exposure]:
        return [e for e in self.exposures if e.status == status]

    def exposure_of(self, slug: str) -> Exposure | None:
        return next((e for e in self.exposures if e.category.slug == slug), None)

    def exposed(self) -> list[Exposure]:
        return [e for e in self.exposures if e.status != ExposureStatus.RULED_OUT]


def gather(incident: Incident) -> Facts:
    exposures = list(
        Exposure.objects.filter(incident=incident)
        .select_related("category")
        .order_by("category__name")
    )
    # Measures taken are the mitigation steps done: the responders' (rotate, segment,
    # rate-limit, patch), not opening the incident or drafting notices.
    done = list(
        ChecklistItem.objects.filter(
            incident=incident, state__in=ITEM_FINISHED, role=MITIGATION_ROLE
        )
        .exclude(state="skipped")
        .order_by("position")
        .values_list("title", flat=True)
    )
    states = list(RotationTask.objects.filter(incident=incident).values_list("state", flat=True))
    return Facts(
        incident,
        exposures,
        done,
        len(states),
        sum(1 for s in states if s in ROTATION_DONE),
        proofs_by_target(incident.pk, "exposure"),
    )


def range_text(low: Any, high: Any) -> str:
    if low is None:
        return "unknown"
    return f"{low:,}" if low == high else f"{low:,} to {high:,}"
