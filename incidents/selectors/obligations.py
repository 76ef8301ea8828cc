"""Reading notification duties and the risk assessment for the incident page and the
cross-incident dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from incidents.access import Ability, may
from incidents.forms.risk import RiskForm
from incidents.models import (
    Exposure,
    Incident,
    Notice,
    NoticeState,
    Obligation,
    ObligationState,
    RiskAssessment,
)
from incidents.regulation.audiences import answers
from incidents.regulation.engine import OUT_OF_SCOPE, UNDETERMINED, evaluate
from incidents.regulation.facts import (
    UNSET,
    Unset,
    assessment_categories,
    breach_duration,
    breach_facts,
    is_attack,
    risk_fact,
)
from incidents.regulation.facts_model import RiskFact
from incidents.regulation.gaps import record_gaps
from incidents.regulation.rules import all_rules, rule_by_id
from incidents.regulation.severity import LONG_RUNNING, Circumstances, suggest
from incidents.rendering.clock import note_flip
from incidents.selectors.evidence import files_by_target
from incidents.selectors.incidents import people_choices

STATE_ORDER: dict[str, int] = {
    ObligationState.OPEN: 0,
    ObligationState.MET: 1,
    ObligationState.WAIVED: 2,
    ObligationState.NOT_REQUIRED: 3,
}


@dataclass(frozen=True)
class Duty:
    """An obligation record with the words its rule offers for deciding it."""

    obligation: Obligation
    exceptions: tuple[str, ...]
    late_requires: str
    phased: bool
    without_undue_delay: bool
    overdue: bool
    unverified: str
    sent_notices: list[Notice]


def risk_context(
    incident: Incident, user: Any, *, exposures: list[Exposure] | None = None
) -> dict[str, Any]:
    """The assessment versions, and the suggestion for the next one: drawn from the record
    and the circumstances the latest version recorded."""
    versions = list(
        RiskAssessment.objects.filter(incident=incident).select_related("assessed_by")[:50]
    )
    latest = versions[0] if versions else None
    can_assess = may(user, Ability.WRITE_RESPONSE)
    suggestion = None
    if can_assess:
        if exposures is None:
            exposures = list(Exposure.objects.filter(incident=incident).select_related("category"))
        circumstances = Circumstances(
            recipients=latest.recipients if latest else "",
            backup=latest.backup if latest else "",
            unavailable_hours=latest.unavailable_hours if latest else None,
            measures=latest.measures if latest else "",
            ran_for=breach_duration(incident, timezone.now()),
            ongoing=incident.began_at is not None and incident.contained_at is None,
            attack=is_attack(incident),
        )
        if incident.began_at is not None and incident.contained_at is None:
            note_flip(incident.began_at + LONG_RUNNING)  # becomes long-running then
        suggestion = suggest(assessment_categories(exposures), circumstances)
    return {
        "incident": incident,
        "risk_versions": versions[:10],
        "risk": latest,
        "risk_fact": risk_fact(versions),
        "can_assess": can_assess,
        "suggestion": suggestion,
        "risk_form": RiskForm(auto_id="risk-%s", initial=reassessment_start(latest, suggestion)),
    }


FACTORS = ("dpc", "ei", "confidentiality", "integrity", "availability")


def reassessment_start(latest: Any, suggestion: Any) -> dict[str, Any]:
    """A reassessment starts from the current version: its circumstances and the factors,
    malicious intent and level the assessor set apart from the suggestion (with their
    reasons). A factor the current version took as suggested stays "As suggested", so a
    change in the record still reaches the new score."""
    if latest is None:
        return {}
    start: dict[str, Any] = {
        name: getattr(latest, name)
        for name in ("recipients", "backup", "unavailable_hours", "measures", "measures_text")
    }
    for name in FACTORS:
        value = getattr(latest, name)
        if suggestion is None or value != getattr(suggestion, name):
            start[name] = format(value.normalize(), "f")
    if suggestion is None or latest.malicious != suggestion.malicious:
        start["malicious"] = "yes" if latest.malicious else "no"
    if latest.level != latest.computed_level:
        start["level"], start["level_rationale"] = latest.level, latest.level_rationale
    for rationale, factors in (
        ("dpc_rationale", ("dpc",)),
        ("ei_rationale", ("ei",)),
        ("cb_rationale", ("confidentiality", "integrity", "availability", "malicious")),
    ):
        if any(name in start for name in factors):
            start[rationale] = getattr(latest, rationale)
    return start


def obligations_context(
    incident: Incident,
    user: Any,
    *,
    exposures: list[Exposure] | None = None,
    risk: RiskFact | Unset | None = UNSET,
) -> dict[str, Any]:
    """`exposures` and `risk` (the current assessment): what the incident page has loaded
    already for its other sections."""
    now = timezone.now()
    records = list(
        Obligation.objects.filter(incident=incident).select_related(
            "met_notice__partner", "decided_by", "owner"
        )
    )
    shown = [o for o in records if o.state != ObligationState.LAPSED]
    shown.sort(key=lambda o: (STATE_ORDER.get(o.state, 4), o.deadline is None, o.deadline or now))
    can_decide = may(user, Ability.DECIDE_OBLIGATIONS)
    sent = _sent_notices(incident) if can_decide else []
    duties = [_duty(o, now, incident, sent) for o in shown]
    recorded = {o.rule_id for o in shown}
    rules = all_rules()
    facts = breach_facts(incident, records, exposures=exposures, risk=risk)
    decisions = evaluate(rules, facts)
    open_duties = [d for d in duties if d.obligation.state == ObligationState.OPEN]
    undetermined = [d for d in decisions if d.outcome == UNDETERMINED and d.rule.id not in recorded]
    return {
        "incident": incident,
        "duties": duties,
        "linked": files_by_target(incident.pk).get("obligation", {}),
        "undetermined": undetermined,
        "record_gaps": record_gaps(rules, facts),
        "assess_risk": facts.risk is None and bool(open_duties or undetermined),
        "not_applying": [
            d for d in decisions if d.outcome == OUT_OF_SCOPE and d.rule.id not in recorded
        ],
        "now": now,
        "awareness_missing": incident.aware_at is None and bool(open_duties),
        "can_decide": can_decide,
        "people": people_choices() if can_decide else [],
        "exposures_checked": len(facts.exposures),
    }


def _duty(obligation: Obligation, now: Any, incident: Incident, sent: list[Notice]) -> Duty:
    rule = rule_by_id(obligation.rule_id)
    answering = [
        n
        for n in sent
        if obligation.state == ObligationState.OPEN
        and answers(
            rule_id=obligation.rule_id,
            notify=obligation.notify,
            partner=n.partner,
            controller_id=incident.controller_id,
        )
    ]
    if obligation.state == ObligationState.OPEN:
        note_flip(obligation.deadline)  # "Open" becomes "Overdue" then
    return Duty(
        obligation=obligation,
        exceptions=rule.exceptions if rule else (),
        late_requires=rule.late_requires if rule else "",
        phased=bool(rule and rule.phased),
        without_undue_delay=bool(rule and rule.without_undue_delay),
        overdue=obligation.status_at(now) == "missed",
        unverified=rule.unverified if rule else "",
        sent_notices=answering,
    )


def _sent_notices(incident: Incident) -> list[Notice]:
    return list(
        Notice.objects.filter(incident=incident, state=NoticeState.SENT)
        .select_related("partner")
        .order_by("-sent_at")[:50]
    )


def open_obligations(incidents: QuerySet[Incident], state: str = "open") -> QuerySet[Obligation]:
    """Duties on the given (already access-filtered) incidents, what is due first on top."""
    rows = Obligation.objects.filter(incident__in=incidents).select_related("incident", "owner")
    if state != "all":
        rows = rows.filter(state=state)
    else:
        rows = rows.exclude(state=ObligationState.LAPSED)
    return rows.order_by(F("deadline").asc(nulls_last=True), "incident__reference", "pk")
