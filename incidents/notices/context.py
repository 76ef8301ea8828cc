"""The explicit, documented context a notice template sees: words and numbers only."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from incidents.notices.facts import Facts, range_text

CONTEXT_NAMES = {
    "reference": "The incident reference, e.g. INC-2026-0001",
    "title": "The incident title",
    "nature": "How the breach happened (breach vector), or empty",
    "detected_at": "When the incident was detected",
    "aware_at": "When the organisation became aware (empty if not recorded)",
    "contained_at": "When it was contained (empty if not yet)",
    "confirmed_categories": "Confirmed data categories, one line each, with records and people",
    "suspected_categories": "Suspected data categories, one line each",
    "ruled_out_categories": "Data categories ruled out, one line each",
    "people_affected": "Approximate people affected (confirmed and suspected personal data)",
    "records_affected": "Approximate number of records affected (confirmed and suspected)",
    "personal_records_affected": "Approximate personal data records (confirmed and suspected)",
    "measures_taken": "Completed response steps and credential rotation progress, one line each",
    "contact_name": "Contact point: the incident commander's name",
    "contact_email": "Contact point: the incident commander's email address",
    "partner_name": "The recipient organisation's name (empty in a preview without one)",
    "today": "The date the notice is rendered",
}


def build(facts: Facts, partner_name: str = "") -> dict[str, Any]:
    incident = facts.incident
    commander = incident.commander
    return {
        "reference": incident.reference,
        "title": incident.title,
        "nature": incident.breach_vector.name if incident.breach_vector else "",
        "detected_at": incident.detected_at or "",
        "aware_at": incident.aware_at or "",
        "contained_at": incident.contained_at or "",
        "confirmed_categories": _lines(facts, "confirmed"),
        "suspected_categories": _lines(facts, "suspected"),
        "ruled_out_categories": _lines(facts, "ruled_out"),
        "people_affected": _total(facts, "people", personal_only=True),
        "records_affected": _total(facts, "records"),
        "personal_records_affected": _total(facts, "records", personal_only=True),
        "measures_taken": _measures(facts),
        "contact_name": (commander.get_full_name() or commander.get_username())
        if commander
        else "",
        "contact_email": commander.email if commander else "",
        "partner_name": partner_name,
        "today": timezone.now(),
    }


def _lines(facts: Facts, status: str) -> str:
    lines = []
    for exposure in facts.with_status(status):
        line = f"- {exposure.category.name}"
        if status != "ruled_out":
            line += f": {range_text(exposure.records_low, exposure.records_high)} records"
            if exposure.category.personal_data:
                line += f", {range_text(exposure.people_low, exposure.people_high)} people"
        lines.append(line)
    return "\n".join(lines)


def _total(facts: Facts, what: str, personal_only: bool = False) -> str:
    rows = [e for e in facts.exposed() if not personal_only or e.category.personal_data]
    lows = [getattr(e, f"{what}_low") for e in rows if getattr(e, f"{what}_low") is not None]
    highs = [getattr(e, f"{what}_high") for e in rows if getattr(e, f"{what}_high") is not None]
    return range_text(sum(lows), sum(highs)) if lows else "unknown"


def _measures(facts: Facts) -> str:
    lines = [f"- {title}" for title in facts.done_steps]
    if facts.rotations_total:
        lines.append(
            f"- Credentials rotated: {facts.rotations_done} of {facts.rotations_total} "
            "verified or exempted"
        )
    return "\n".join(lines)
