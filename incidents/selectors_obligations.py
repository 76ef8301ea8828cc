"""Which notification duties the incident's record implies right now (engine, read-only)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from incidents.models import Incident, RiskAssessment
from incidents.regulation.engine import evaluate
from incidents.regulation.facts import breach_facts
from incidents.regulation.rules import all_rules
from incidents.roles import can_write_response


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


def obligations_context(incident: Incident) -> dict[str, Any]:
    decisions = evaluate(all_rules(), breach_facts(incident))
    now = timezone.now()
    applying = sorted(
        (d for d in decisions if d.applies), key=lambda d: (d.deadline is None, d.deadline or now)
    )
    return {
        "incident": incident,
        "duties": applying,
        "not_applying": [d for d in decisions if not d.applies],
        "now": now,
        "awareness_missing": incident.aware_at is None and bool(applying),
    }
