"""The engine's inputs, read from an incident's record."""

from __future__ import annotations

from incidents.models import Exposure, Incident
from incidents.regulation.engine import BreachFacts, ExposureFact
from incidents.services.risk import current_level


def breach_facts(incident: Incident) -> BreachFacts:
    exposures = tuple(
        ExposureFact(
            category=e.category.slug,
            personal=e.category.personal_data,
            status=e.status,
            people_by_jurisdiction={k: int(v) for k, v in (e.people_by_jurisdiction or {}).items()},
            encrypted=e.encrypted,
        )
        for e in Exposure.objects.filter(incident=incident).select_related("category")
    )
    return BreachFacts(
        aware_at=incident.aware_at, exposures=exposures, risk=current_level(incident)
    )
