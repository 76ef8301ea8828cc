"""What a notice may say to its recipient: an authority hears about the people its duty
covers (the ICO the UK's, a lead authority the EEA's) and the personal data only; a partner
never hears about secrets or the internal architecture."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from incidents.jurisdictions import label
from incidents.models import Audience, Exposure
from incidents.notices.facts import range_text
from incidents.regulation.audiences import answers
from incidents.regulation.counting import Count, source_for
from incidents.regulation.facts import exposure_fact
from incidents.regulation.rules import GROUPS, all_rules

Covers = Callable[[str], bool]


def scope_of(partner: Any | None) -> tuple[Covers | None, str]:
    """Which jurisdictions the recipient's notice speaks for, and their names. An authority
    speaks for the scope of the duties it receives (GDPR's one-stop shop: the EEA); anyone
    else for their own jurisdictions. None: every jurisdiction (no recipient, or none set)."""
    places = list(getattr(partner, "jurisdictions", None) or [])
    if partner is None or not places:
        return None, ""
    rules = []
    if partner.audience == Audience.AUTHORITY:
        rules = [
            rule
            for rule in all_rules()
            if rule.notify in ("authority", "attorney_general")
            and answers(rule_id=rule.id, notify=rule.notify, partner=partner, controller_id=None)
        ]
    if rules:
        scope = sorted({code for rule in rules for code in rule.applies_to})
        return (lambda code: any(rule.covers(code) for rule in rules)), _names(scope)
    return (lambda code: code in places or any(code in GROUPS.get(p, ()) for p in places)), _names(
        places
    )


def _names(codes: list[str]) -> str:
    return ", ".join(code if code in GROUPS else label(code) for code in codes)


def people_in_scope(exposures: list[Exposure], covers: Covers) -> str:
    """People affected (personal data, not ruled out) in the scope, as the duties count them:
    a place without its number counts up to the estimate, and says so."""
    sources = []
    for exposure in exposures:
        if not exposure.category.personal_data or exposure.status == "ruled_out":
            continue
        fact = exposure_fact(exposure)
        if places := [code for code in fact.places if covers(code)]:
            sources.append(source_for(fact, places))
    if not sources:
        return "none recorded"
    return Count(tuple(sources)).text


def category_lines(exposures: list[Exposure], covers: Covers | None, *, personal_only: bool) -> str:
    """One line per exposed category (not ruled out) the recipient may hear about."""
    lines = []
    for exposure in exposures:
        category = exposure.category
        if exposure.status == "ruled_out" or category.withheld_from_partners:
            continue
        if personal_only and not category.personal_data:
            continue
        status = exposure.get_status_display().lower()
        line = f"- {category.name} ({status})"
        if category.personal_data:
            people = (
                range_text(exposure.people_low, exposure.people_high)
                if covers is None
                else people_in_scope([exposure], covers)
            )
            line += f": {people} people"
        lines.append(line)
    return "\n".join(lines)
