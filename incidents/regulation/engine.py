"""Which notification rules apply to a breach, why (and why not), and by when.

Pure: it takes plain facts, so every rule can be tested in a table without a database.
People are counted per jurisdiction across the exposed personal-data categories and
summed (generously: the same person in two categories counts twice; record the union in
one row when it is known). Day clocks are calendar days at the same local time in the
rule's time zone (daylight saving changes move the UTC time); hour clocks are elapsed."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field

from incidents.regulation.rules import EU_MEMBERS, RISK_LEVELS, Rule


@dataclass(frozen=True)
class ExposureFact:
    category: str
    personal: bool
    status: str  # confirmed | suspected | ruled_out
    people_by_jurisdiction: dict[str, int] = field(default_factory=dict)
    encrypted: bool = False


@dataclass(frozen=True)
class BreachFacts:
    aware_at: dt.datetime | None
    exposures: tuple[ExposureFact, ...]
    risk: str | None = None
    # When the people of a jurisdiction were told ({"US-CA": ...}): some clocks start there.
    individuals_notified: Mapping[str, dt.datetime] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    rule: Rule
    applies: bool
    why: str
    people: int = 0
    deadline: dt.datetime | None = None
    waivable: bool = False


def _in_scope(rule: Rule, code: str) -> bool:
    return code in rule.applies_to or ("EU" in rule.applies_to and code in EU_MEMBERS)


def counted_exposures(rule: Rule, facts: BreachFacts) -> list[tuple[ExposureFact, int]]:
    """The exposures this rule counts, each with its people in the rule's scope."""
    counted = []
    for exposure in facts.exposures:
        if exposure.status == "ruled_out" or (rule.personal_data and not exposure.personal):
            continue
        if rule.encryption_exempt and exposure.encrypted:
            continue
        people = sum(
            n for code, n in exposure.people_by_jurisdiction.items() if _in_scope(rule, code)
        )
        if people:
            counted.append((exposure, people))
    return counted


def people_in_scope(rule: Rule, facts: BreachFacts) -> int:
    return sum(people for _, people in counted_exposures(rule, facts))


def deadline(rule: Rule, facts: BreachFacts) -> dt.datetime | None:
    if rule.clock_from == "aware":
        start = facts.aware_at
    else:
        start = facts.individuals_notified.get(rule.jurisdiction)
    if start is None:
        return None
    if rule.clock_hours is not None:
        return start + dt.timedelta(hours=rule.clock_hours)
    zone = zoneinfo.ZoneInfo(rule.timezone)
    local = start.astimezone(zone) + dt.timedelta(days=rule.clock_days or 0)  # same wall time
    return local.astimezone(dt.UTC)


def decide(rule: Rule, facts: BreachFacts) -> Decision:
    people = people_in_scope(rule, facts)
    if people < rule.min_people:
        exempt = " (encrypted data is exempt)" if rule.encryption_exempt else ""
        return Decision(
            rule,
            False,
            f"{people:,} people affected in {'/'.join(rule.applies_to)}; "
            f"the rule starts at {rule.min_people:,}{exempt}",
            people,
        )
    if rule.risk_at_least:
        if facts.risk is None:
            return Decision(
                rule, False, "no risk assessment yet: it decides whether this rule applies", people
            )
        if RISK_LEVELS.index(facts.risk) < RISK_LEVELS.index(rule.risk_at_least):
            return Decision(
                rule,
                False,
                f"risk assessed as {facts.risk.replace('_', ' ')}; the rule needs "
                f"{rule.risk_at_least.replace('_', ' ')} or above",
                people,
            )
    when = deadline(rule, facts)
    if when is None:
        missing = (
            "the time the team became aware"
            if rule.clock_from == "aware"
            else "when the people were notified"
        )
        why = (
            f"{people:,} people affected; the deadline counts from {missing}, which is not recorded"
        )
    else:
        where = "/".join(rule.applies_to)
        sources = ", ".join(
            f"{exposure.category} {exposure.status} ({n:,})"
            for exposure, n in counted_exposures(rule, facts)
        )
        why = f"{people:,} people affected in {where} (threshold {rule.min_people:,}): {sources}"
    return Decision(rule, True, why, people, when, waivable=bool(rule.waivable_when))


def evaluate(rules: tuple[Rule, ...], facts: BreachFacts) -> list[Decision]:
    return [decide(rule, facts) for rule in rules]
