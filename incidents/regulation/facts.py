"""The engine's inputs, read from an incident's record."""

from __future__ import annotations

import datetime as dt

from incidents.models import Exposure, Incident, Obligation, ObligationState, RiskAssessment
from incidents.regulation.engine import BreachFacts, ExposureFact


class Unset:
    """No value passed (None is a value here: not assessed)."""


UNSET = Unset()


def breach_facts(
    incident: Incident,
    obligations: list[Obligation] | None = None,
    *,
    exposures: list[Exposure] | None = None,
    risk: str | Unset | None = UNSET,
) -> BreachFacts:
    """The facts from the record. A caller that already loaded the incident's obligations,
    exposures (with categories) or risk level passes them, and they are not read again."""
    if exposures is None:
        exposures = list(Exposure.objects.filter(incident=incident).select_related("category"))
    return BreachFacts(
        aware_at=incident.aware_at,
        exposures=tuple(
            ExposureFact(
                category=e.category.slug,
                personal=e.category.personal_data,
                status=e.status,
                people_by_jurisdiction={
                    k: int(v) for k, v in (e.people_by_jurisdiction or {}).items()
                },
                encrypted=e.encrypted,
            )
            for e in exposures
        ),
        risk=current_level(incident) if isinstance(risk, Unset) else risk,
        individuals_notified=individuals_notified(incident, obligations),
    )


def current_level(incident: Incident) -> str | None:
    """The latest risk assessment's level, or None when not assessed."""
    latest = RiskAssessment.objects.filter(incident=incident).order_by("-version")
    return latest.values_list("level", flat=True).first()


def individuals_notified(
    incident: Incident, obligations: list[Obligation] | None = None
) -> dict[str, dt.datetime]:
    """When each jurisdiction's people were told: the met duty to notify them."""
    if obligations is None:
        obligations = list(Obligation.objects.filter(incident=incident, notify="individuals"))
    met = [
        (o.jurisdiction, o.met_at)
        for o in obligations
        if o.notify == "individuals" and o.state == ObligationState.MET and o.met_at
    ]
    earliest: dict[str, dt.datetime] = {}
    for jurisdiction, met_at in met:
        earliest[jurisdiction] = min(met_at, earliest.get(jurisdiction, met_at))
    return earliest
