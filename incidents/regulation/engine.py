"""Which notification rules apply to a breach, why (and why not), and by when.

Pure: it takes plain facts (regulation.facts_model), so every rule can be tested in a table
without a database. Each rule ends in one of four outcomes:
- required: the duty is owed (provisionally, with its `gaps` named, when a fact it needs is
  missing and the law presumes the duty: e.g. GDPR Art. 33 before any risk assessment);
- not_required: the trigger is met but the law excuses it on the recorded facts (a risk
  assessed as unlikely, Art. 34(3)(a)/(b)): kept with its reasoning (Art. 33(5));
- undetermined: a fact that decides it is missing; the gap is named, never "no duty";
- out_of_scope: nobody it covers, below its threshold, or not this organisation's role.
Day clocks are calendar days at the same local time in the rule's time zone (daylight
saving moves the UTC time); hour clocks are elapsed."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from incidents.regulation.counting import Count, count_people
from incidents.regulation.facts_model import LEVEL_MEANING, BreachFacts
from incidents.regulation.rules import RISK_LEVELS, Rule

REQUIRED, NOT_REQUIRED, UNDETERMINED, OUT_OF_SCOPE = (
    "required",
    "not_required",
    "undetermined",
    "out_of_scope",
)


@dataclass(frozen=True)
class Decision:
    rule: Rule
    outcome: str
    why: str
    people: int = 0
    people_text: str = ""
    deadline: dt.datetime | None = None
    clock_started_at: dt.datetime | None = None
    gaps: tuple[str, ...] = ()

    @property
    def applies(self) -> bool:
        return self.outcome == REQUIRED

    @property
    def provisional(self) -> bool:
        return self.applies and bool(self.gaps)


def clock_start(rule: Rule, facts: BreachFacts) -> dt.datetime | None:
    if rule.clock_from == "aware":
        return facts.aware_at
    if rule.clock_from == "high_risk_found":
        return facts.risk.high_risk_since if facts.risk else None
    return facts.individuals_notified.get(rule.jurisdiction)


def deadline(rule: Rule, facts: BreachFacts) -> dt.datetime | None:
    start = clock_start(rule, facts)
    if start is None or (rule.clock_hours is None and rule.clock_days is None):
        return None
    if rule.clock_hours is not None:
        return start + dt.timedelta(hours=rule.clock_hours)
    zone = zoneinfo.ZoneInfo(rule.timezone)
    local = start.astimezone(zone) + dt.timedelta(days=rule.clock_days or 0)  # same wall time
    return local.astimezone(dt.UTC)


def decide(rule: Rule, facts: BreachFacts) -> Decision:
    gaps: list[str] = []
    role = facts.role or "controller"
    if role not in rule.roles:
        return Decision(rule, OUT_OF_SCOPE, f"a duty of the {rule.roles[0]}; we are the {role}")
    count = count_people(rule, facts)
    if not count.sources:
        return _nobody(rule, count)
    threshold = _threshold(rule, count, gaps)
    if threshold is not None:
        return threshold
    risk = _risk_test(rule, facts, count, gaps)
    if risk is not None:
        return risk
    excused = _decided_exception(rule, facts, count)
    if excused is not None:
        return excused
    return _required(rule, facts, count, gaps)


def _nobody(rule: Rule, count: Count) -> Decision:
    if count.other_effects:
        kinds = ", ".join(e.category for e in count.other_effects)
        return Decision(
            rule,
            UNDETERMINED,
            f"{kinds}: made unavailable or altered, not disclosed; this rule counts "
            f"{' / '.join(rule.effects)} breaches",
            gaps=(
                "whether a loss of availability or integrity alone is a breach under "
                f"{rule.source} (not modelled: check the text)",
            ),
        )
    exempt = " (unintelligible data is exempt)" if count.exempt else ""
    return Decision(rule, OUT_OF_SCOPE, f"no people affected in {rule.scope_text}{exempt}")


def _threshold(rule: Rule, count: Count, gaps: list[str]) -> Decision | None:
    """None when the threshold is met (noting any doubt in `gaps`); else the decision."""
    if count.known >= rule.min_people:
        if not count.exact:
            gaps.append(_split_gap(count))
        return None
    upper = count.upper
    if upper is not None and upper < rule.min_people:
        return Decision(
            rule,
            OUT_OF_SCOPE,
            f"{count.text} people affected in {rule.scope_text}; the rule starts at "
            f"{rule.min_people:,}",
            count.known,
            count.text,
        )
    # Somebody is there but how many is not known well enough to rule the duty out.
    gaps.append(_split_gap(count))
    return None


def _split_gap(count: Count) -> str:
    places = sorted({code for s in count.sources for code in s.split_unknown})
    return f"people per jurisdiction for {', '.join(places)} (counted {count.text})"


def _risk_test(rule: Rule, facts: BreachFacts, count: Count, gaps: list[str]) -> Decision | None:
    if not rule.risk_at_least:
        return None
    risk = facts.risk
    if risk is None:
        if rule.when_unassessed == "applies":
            gaps.append(
                "a risk assessment: the duty is presumed until one finds the breach "
                "unlikely to result in a risk"
            )
            return None
        return Decision(
            rule,
            UNDETERMINED,
            f"{count.text} people affected in {rule.scope_text}; whether they must be told "
            "depends on the risk, which is not assessed",
            count.known,
            count.text,
            gaps=("a risk assessment: it decides this duty",),
        )
    if RISK_LEVELS.index(risk.level) < RISK_LEVELS.index(rule.risk_at_least):
        why = (
            f"risk assessed {risk.level.replace('_', ' ')} (v{risk.version}): "
            f"{LEVEL_MEANING[risk.level]}; the rule needs "
            f"{LEVEL_MEANING[rule.risk_at_least]}"
        )
        if risk.rationale:
            why += f". Reasoning: {risk.rationale}"
        return Decision(rule, NOT_REQUIRED, why, count.known, count.text)
    return None


def _decided_exception(rule: Rule, facts: BreachFacts, count: Count) -> Decision | None:
    counted = [s.exposure for s in count.sources]
    if "unintelligible" in rule.decided_exceptions and all(e.unintelligible for e in counted):
        kinds = ", ".join(f"{e.category} ({e.protection.replace('_', ' ')})" for e in counted)
        return Decision(
            rule,
            NOT_REQUIRED,
            f"exception: every affected exposure is unintelligible to anyone not authorised "
            f"({kinds}); Art. 34(3)(a)",
            count.known,
            count.text,
        )
    if "later_measures" in rule.decided_exceptions and (
        facts.risk and facts.risk.measures_remove_high_risk
    ):
        return Decision(
            rule,
            NOT_REQUIRED,
            f"exception: the measures taken since ensure the high risk is no longer likely "
            f"to materialise (risk assessment v{facts.risk.version}); Art. 34(3)(b)",
            count.known,
            count.text,
        )
    return None


def _required(rule: Rule, facts: BreachFacts, count: Count, gaps: list[str]) -> Decision:
    start = clock_start(rule, facts)
    when = deadline(rule, facts)
    sources = ", ".join(s.text for s in count.sources)
    why = f"{count.text} people affected in {rule.scope_text} (threshold {rule.min_people:,}): "
    why += sources
    if count.exempt:
        why += f"; not counted, unintelligible: {', '.join(e.category for e in count.exempt)}"
    if start is None:
        missing = {
            "aware": "the time the team became aware",
            "individuals_notified": "when the people were notified",
            "high_risk_found": "when the high risk was found",
        }[rule.clock_from]
        if rule.clock_from == "aware":
            gaps.append(missing)
        why += f"; the clock counts from {missing}, not recorded yet"
    return Decision(
        rule,
        REQUIRED,
        why,
        count.known,
        count.text,
        deadline=when,
        clock_started_at=start if when is None else None,
        gaps=tuple(gaps),
    )


def evaluate(rules: tuple[Rule, ...], facts: BreachFacts) -> list[Decision]:
    return [decide(rule, facts) for rule in rules]
