"""The engine's inputs, read from an incident's record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from incidents.models import Exposure, Incident, Obligation, ObligationState, RiskAssessment
from incidents.models.risk import Measures
from incidents.regulation.facts_model import BreachFacts, ExposureFact, RiskFact
from incidents.regulation.severity import CategoryFact

HIGH = ("high", "very_high")


class Unset:
    """No value passed (None is a value here: not assessed)."""


UNSET = Unset()


def breach_facts(
    incident: Incident,
    obligations: list[Obligation] | None = None,
    *,
    exposures: list[Exposure] | None = None,
    risk: RiskFact | Unset | None = UNSET,
) -> BreachFacts:
    """The facts from the record. A caller that already loaded the incident's obligations,
    exposures (with categories) or risk passes them, and they are not read again."""
    if exposures is None:
        exposures = list(Exposure.objects.filter(incident=incident).select_related("category"))
    return BreachFacts(
        aware_at=incident.aware_at,
        exposures=tuple(exposure_fact(e) for e in exposures),
        risk=current_risk(incident) if isinstance(risk, Unset) else risk,
        individuals_notified=individuals_notified(incident, obligations),
        role=incident.data_role or None,
    )


def exposure_fact(e: Exposure) -> ExposureFact:
    return ExposureFact(
        category=e.category.slug,
        personal=e.category.personal_data,
        status=e.status,
        people_by_jurisdiction={k: int(v) for k, v in (e.people_by_jurisdiction or {}).items()},
        jurisdictions=tuple(e.jurisdictions or ()),
        people_high=e.people_high,
        protection=e.protection,
        effects=e.effects,
    )


def current_risk(incident: Incident) -> RiskFact | None:
    """The latest assessment, with when the current run of high risk began."""
    versions = list(
        RiskAssessment.objects.filter(incident=incident)
        .order_by("-version")
        .values("version", "level", "assessed_at", "measures", "level_rationale")[:50]
    )
    return risk_fact(versions)


def risk_fact(versions: Sequence[Any]) -> RiskFact | None:
    """From assessment versions, newest first (dicts or rows with the same names)."""
    if not versions:
        return None
    latest = versions[0]
    since = None
    for version in versions:  # back through the unbroken run of high ones
        if _get(version, "level") not in HIGH:
            break
        since = _get(version, "assessed_at")
    return RiskFact(
        level=_get(latest, "level"),
        version=_get(latest, "version"),
        assessed_at=_get(latest, "assessed_at"),
        high_risk_since=since,
        measures_remove_high_risk=_get(latest, "measures") == Measures.REMOVE_HIGH_RISK,
        rationale=_get(latest, "level_rationale") or "",
    )


def _get(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, dict) else getattr(row, name)


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


def assessment_categories(exposures: list[Exposure]) -> list[CategoryFact]:
    """The exposed personal-data categories as the risk assessment reads them."""
    return [
        CategoryFact(
            name=e.category.name,
            data_type=e.category.enisa_data_type,
            sensitivity=e.category.sensitivity,
            special=e.category.special_category,
            children=e.category.children,
            already_public=e.already_public,
            protection=e.protection,
            effects=e.effects,
            people_high=e.people_high,
        )
        for e in exposures
        if e.category.personal_data and e.status != "ruled_out"
    ]


def breach_duration(incident: Incident, now: dt.datetime) -> dt.timedelta | None:
    """From when the breach began to its containment (or now): None when not recorded."""
    if incident.began_at is None:
        return None
    return max(dt.timedelta(0), (incident.contained_at or now) - incident.began_at)


def is_attack(incident: Incident) -> bool:
    """The recorded breach vector is an attack (malware, phishing, an insider...)."""
    from incidents.seed import ATTACK_VECTORS

    vector = incident.breach_vector
    return vector is not None and vector.slug in ATTACK_VECTORS
