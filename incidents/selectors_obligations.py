"""Reading notification duties and the risk assessment for the incident page and the
cross-incident dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from incidents.models import (
    Exposure,
    Incident,
    Notice,
    NoticeState,
    Obligation,
    ObligationState,
    RiskAssessment,
)
from incidents.regulation.engine import evaluate
from incidents.regulation.facts import UNSET, Unset, breach_facts
from incidents.regulation.rules import all_rules, rule_by_id
from incidents.roles import can_decide_obligations, can_write_response

STATE_ORDER: dict[str, int] = {
    ObligationState.OPEN: 0,
    ObligationState.MET: 1,
    ObligationState.WAIVED: 2,
}


@dataclass(frozen=True)
class Duty:
    """An obligation record with the words its rule offers for deciding it."""

    obligation: Obligation
    waivable_when: str
    exceptions: tuple[str, ...]
    late_requires: str
    phased: bool
    without_undue_delay: bool
    overdue: bool


def risk_context(incident: Incident, user: Any) -> dict[str, Any]:
    versions = list(
        RiskAssessment.objects.filter(incident=incident).select_related("assessed_by")[:10]
    )
    return {
        "incident": incident,
        "risk_versions": versions,
        "risk": versions[0] if versions else None,
        "can_assess": can_write_response(user),
        "circumstances": [
            ("confidentiality", "Loss of confidentiality"),
            ("integrity", "Loss of integrity"),
            ("availability", "Loss of availability"),
        ],
    }


def obligations_context(
    incident: Incident,
    user: Any,
    *,
    exposures: list[Exposure] | None = None,
    risk: RiskAssessment | Unset | None = UNSET,
) -> dict[str, Any]:
    """`exposures` and `risk` (the latest assessment): what the incident page has loaded
    already for its other sections."""
    now = timezone.now()
    records = list(
        Obligation.objects.filter(incident=incident).select_related(
            "met_notice__partner", "decided_by"
        )
    )
    shown = [o for o in records if o.state != ObligationState.LAPSED]
    shown.sort(key=lambda o: (STATE_ORDER.get(o.state, 3), o.deadline is None, o.deadline or now))
    duties = [_duty(o, now) for o in shown]
    recorded = {o.rule_id for o in shown}
    level: str | Unset | None = risk if isinstance(risk, Unset) else (risk.level if risk else None)
    decisions = evaluate(
        all_rules(), breach_facts(incident, records, exposures=exposures, risk=level)
    )
    can_decide = can_decide_obligations(user)
    open_duties = [d for d in duties if d.obligation.state == ObligationState.OPEN]
    return {
        "incident": incident,
        "duties": duties,
        "not_applying": [d for d in decisions if not d.applies and d.rule.id not in recorded],
        "now": now,
        "awareness_missing": incident.aware_at is None and bool(open_duties),
        "can_decide": can_decide,
        "sent_notices": _sent_notices(incident) if can_decide and open_duties else [],
    }


def _duty(obligation: Obligation, now: Any) -> Duty:
    rule = rule_by_id(obligation.rule_id)
    return Duty(
        obligation=obligation,
        waivable_when=rule.waivable_when if rule else "",
        exceptions=rule.exceptions if rule else (),
        late_requires=rule.late_requires if rule else "",
        phased=bool(rule and rule.phased),
        without_undue_delay=bool(rule and rule.without_undue_delay),
        overdue=obligation.status_at(now) == "missed",
    )


def _sent_notices(incident: Incident) -> list[Notice]:
    return list(
        Notice.objects.filter(incident=incident, state=NoticeState.SENT)
        .select_related("partner")
        .order_by("-sent_at")[:50]
    )


def open_obligations(incidents: QuerySet[Incident], state: str = "open") -> QuerySet[Obligation]:
    """Duties on the given (already access-filtered) incidents, what is due first on top."""
    rows = Obligation.objects.filter(incident__in=incidents).select_related("incident")
    if state != "all":
        rows = rows.filter(state=state)
    else:
        rows = rows.exclude(state=ObligationState.LAPSED)
    return rows.order_by(F("deadline").asc(nulls_last=True), "incident__reference", "pk")
