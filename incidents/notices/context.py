"""The explicit, documented context a notice template sees: words and numbers only."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from incidents.notices.facts import Facts, range_text
from incidents.notices.recipient_scope import category_lines, people_in_scope, scope_of

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
    "measures_taken": (
        "Mitigation steps completed (the responders' checklist steps) and credential rotation "
        "progress, one line each"
    ),
    "recipient_jurisdictions": (
        "Where the people this recipient hears about live: for an authority, the scope of the "
        "duties it receives (e.g. EEA, United Kingdom); else the recipient's jurisdictions"
    ),
    "people_in_scope": (
        "People affected in the recipient's jurisdictions (personal data only); 'up to N "
        "(split by jurisdiction unknown)' when the split is not known"
    ),
    "personal_categories": (
        "Personal-data categories (confirmed and suspected), one line each, with the people "
        "in the recipient's jurisdictions"
    ),
    "partner_categories": (
        "Categories a partner may hear about (confirmed and suspected), one line each: never "
        "secrets, credentials or the internal architecture"
    ),
    "contact_name": "Contact point: the incident commander's name",
    "contact_email": "Contact point: the incident commander's email address",
    "partner_name": "The recipient organisation's name (empty in a preview without one)",
    "today": "The date the notice is rendered",
}


def build(facts: Facts, partner_name: str = "", partner: Any = None) -> dict[str, Any]:
    """The context for a notice to `partner` (its name and jurisdictions scope the people
    and categories it hears about); `partner_name` alone for a preview."""
    incident = facts.incident
    commander = incident.commander
    covers, scope_names = scope_of(partner)
    exposed = facts.exposed()
    return {
        "recipient_jurisdictions": scope_names or "all",
        "people_in_scope": (
            _total(facts, "people", personal_only=True)
            if covers is None
            else people_in_scope(exposed, covers)
        ),
        "personal_categories": category_lines(exposed, covers, personal_only=True),
        "partner_categories": category_lines(exposed, None, personal_only=False),
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
        "partner_name": partner_name or (partner.name if partner is not None else ""),
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
