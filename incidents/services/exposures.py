"""Recording what data was exposed on an incident, one data category at a time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from incidents.jurisdictions import unknown_codes
from incidents.models import (
    Confirmation,
    DataCategory,
    Exposure,
    ExposureStatus,
    Incident,
    Protection,
)
from incidents.services import ServiceError, confirmations, evidence_links, free_text, obligations
from incidents.services.events import append_event
from incidents.services.incident_fields import EditConflict, refresh_search_text
from incidents.services.locking import lock_incident
from incidents.services.notices import revalidate_notices


@dataclass(frozen=True)
class Range:
    low: int | None = None
    high: int | None = None

    def validated(self, what: str) -> Range:
        low, high = self.low, self.high
        if low is None and high is None:
            return self
        low = high if low is None else low
        high = low if high is None else high
        assert low is not None and high is not None
        if low < 0 or high < 0:
            raise ServiceError(f"{what} cannot be negative.")
        if low > high:
            raise ServiceError(
                f"{what}: the low estimate ({low:,}) is above the high one ({high:,})."
            )
        return Range(low, high)


def record_exposure(
    *,
    incident: Incident,
    category: DataCategory,
    status: str,
    by: Any,
    records: Range = Range(),
    people: Range = Range(),
    jurisdictions: list[str] | None = None,
    evidence: str = "",
    expected_version: int | None = None,
    people_by_jurisdiction: Mapping[str, int | None] | None = None,
    protection: str = Protection.UNKNOWN,
    already_public: bool = False,
    disclosed: bool = True,
    unavailable: bool = False,
    altered: bool = False,
    secrets: str = free_text.ASK,
    backing_files: list[int] | None = None,
    confirmation: Confirmation | None = None,
) -> Exposure:
    """Create or update the exposure of `category`. `expected_version` is the version the
    editor saw (None for a new one); anything else means someone else saved first.

    Where the people live is one list: `jurisdictions` and the codes of
    `people_by_jurisdiction`, a code with no number (or None) meaning its share is not known.
    When every place has its number and no estimate is given, the estimate is their sum.

    Ruling a category out needs backing besides the note saying why: a file that shows it
    (one already linked, or `backing_files` linked now) or a second person's confirmation
    (services/confirmations.py, which passes `confirmation`)."""
    if status not in ExposureStatus.values:
        raise ServiceError(f"Unknown exposure status {status!r}.")
    if protection not in Protection.values:
        raise ServiceError(f"Unknown protection {protection!r}.")
    if not (disclosed or unavailable or altered):
        raise ServiceError(
            "Say what happened to the data: read or taken, made unavailable, or altered."
        )
    evidence = free_text.guard({"evidence": evidence.strip()}, secrets, by=by)["evidence"]
    if status == ExposureStatus.RULED_OUT and not evidence:
        raise ServiceError("Ruling a category out needs an evidence note saying why.")
    counts = dict(people_by_jurisdiction or {})
    codes = sorted(set(jurisdictions or []) | set(counts))
    if unknown := unknown_codes(codes):
        raise ServiceError(f"Unknown jurisdiction code(s): {', '.join(unknown)}.")
    known = {code: n for code, n in counts.items() if n is not None}
    records = records.validated("Records")
    people = _derived_total(people, known, codes).validated("People affected")
    per_place = _people_by_jurisdiction(known, people)
    with transaction.atomic():
        locked = lock_incident(incident.pk)
        exposure = Exposure.objects.filter(incident=locked, category=category).first()
        current_version = exposure.version if exposure else None
        if current_version != expected_version:
            raise EditConflict("exposure", _summary(exposure) if exposure else "not recorded")
        before = snapshot(exposure) if exposure else {}
        if status == ExposureStatus.RULED_OUT and before.get("status") != status:
            backing = _backing(exposure, backing_files, confirmation)
        elif backing_files:
            backing = f"files linked: {len(backing_files)}"
        else:
            backing = ""
        exposure = exposure or Exposure(incident=locked, category=category, version=0)
        exposure.status = status
        exposure.records_low, exposure.records_high = records.low, records.high
        exposure.people_low, exposure.people_high = people.low, people.high
        exposure.jurisdictions, exposure.evidence = codes, evidence
        exposure.people_by_jurisdiction, exposure.protection = per_place, protection
        exposure.already_public = already_public
        exposure.disclosed, exposure.unavailable, exposure.altered = disclosed, unavailable, altered
        after = snapshot(exposure)
        if before == after and not backing_files:
            return exposure
        if before != after:
            exposure.decided_by, exposure.decided_at = by, timezone.now()
            exposure.version += 1
            exposure.save()
        if backing_files:
            evidence_links.link_many(
                locked, evidence_ids=backing_files, kind="exposure", target=exposure, by=by
            )
        if before == after:
            return exposure
        if before.get("status") == ExposureStatus.RULED_OUT and status != before["status"]:
            confirmations.lapse(kind="exposure", target=exposure)
        refresh_search_text(locked)  # evidence is searched
        if backing:
            after = {**after, "backed_by": backing}
        append_event(
            incident=locked, verb="exposure.recorded", actor=by, before=before, after=after
        )
        # Notices that state a fact this change contradicts lose their approval now.
        revalidate_notices(incident=locked, by=by)
        obligations.recompute(incident=locked, by=by)
    return exposure


NEEDS_BACKING = (
    "Ruling a category out needs more than a note: link a file that shows it (choose one "
    "under “Backed by files”, or link it from the Evidence page), or ask a second person to "
    "confirm it (“Ask a second person to rule it out”)."
)


def _backing(
    exposure: Exposure | None, backing_files: list[int] | None, confirmation: Confirmation | None
) -> str:
    """What the ruling out rests on, for the event; refused when nothing."""
    if confirmation is not None:
        answered = confirmation.answered_by.get_username() if confirmation.answered_by else "?"
        return f"confirmed by {answered} (asked by {confirmation.asked_by.get_username()})"
    if backing_files:
        return f"files linked: {len(backing_files)}"
    if exposure is not None and evidence_links.has_usable_file("exposure", exposure):
        return "files linked before"
    raise ServiceError(NEEDS_BACKING)


def current_arguments(exposure: Exposure) -> dict[str, Any]:
    """record_exposure's arguments that keep the exposure as it is (to change one thing)."""
    return {
        "incident": exposure.incident,
        "category": exposure.category,
        "status": exposure.status,
        "records": Range(exposure.records_low, exposure.records_high),
        "people": Range(exposure.people_low, exposure.people_high),
        "jurisdictions": list(exposure.jurisdictions),
        "people_by_jurisdiction": {
            code: (exposure.people_by_jurisdiction or {}).get(code)
            for code in exposure.jurisdictions
        },
        "evidence": exposure.evidence,
        "expected_version": exposure.version,
        "protection": exposure.protection,
        "already_public": exposure.already_public,
        "disclosed": exposure.disclosed,
        "unavailable": exposure.unavailable,
        "altered": exposure.altered,
        "secrets": free_text.KEEP,
    }


def _derived_total(people: Range, known: dict[str, int], codes: list[str]) -> Range:
    """With no estimate typed and every place counted, the total is their sum."""
    if people.low is None and people.high is None and known and len(known) == len(codes):
        total = sum(known.values())
        return Range(total, total)
    return people


def _people_by_jurisdiction(counts: dict[str, int], people: Range) -> dict[str, int]:
    """Known codes, whole non-negative numbers, and a total within the high estimate."""
    if unknown := unknown_codes(sorted(counts)):
        raise ServiceError(
            f"Unknown jurisdiction code(s) in people per jurisdiction: {', '.join(unknown)}."
        )
    for code, count in counts.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ServiceError(f"People in {code} must be a whole number of 0 or more.")
    total = sum(counts.values())
    if people.high is not None and total > people.high:
        raise ServiceError(
            f"People per jurisdiction add up to {total:,}, more than the high estimate "
            f"of people affected ({people.high:,})."
        )
    return dict(sorted(counts.items()))


def snapshot(exposure: Exposure) -> dict[str, Any]:
    return {
        "category": exposure.category.name,
        "status": exposure.status,
        "records": [exposure.records_low, exposure.records_high],
        "people": [exposure.people_low, exposure.people_high],
        "jurisdictions": list(exposure.jurisdictions),
        "people_by_jurisdiction": dict(exposure.people_by_jurisdiction or {}),
        "protection": exposure.protection,
        "already_public": exposure.already_public,
        "effects": sorted(exposure.effects),
        "evidence": exposure.evidence,
    }


def _summary(exposure: Exposure) -> str:
    return f"{ExposureStatus(exposure.status).label}, evidence: {exposure.evidence or '(none)'}"
