"""Which notification duties the incident's record implies right now (engine, read-only)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from incidents.models import Incident
from incidents.regulation.engine import evaluate
from incidents.regulation.facts import breach_facts
from incidents.regulation.rules import all_rules


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
