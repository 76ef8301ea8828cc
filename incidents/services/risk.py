"""Assessing the risk of a breach to people with the ENISA severity method (regulation.
severity): SE = DPC × EI + CB. Every version is kept with the record it was drawn from, the
suggestion Breachroom made and the assessor's reasons; the latest one drives the duties.

DPC (data processing context) 1–4; EI (ease of identification) 0.25 negligible, 0.5 limited,
0.75 significant, 1 maximum; CB (circumstances): loss of confidentiality, integrity and
availability 0 / 0.25 / 0.5 each, plus 0.5 for malicious intent. The assessor may conclude a
level other than the score's band, with the rationale (ENISA §4.1.1)."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from incidents.models import Exposure, Incident, RiskAssessment
from incidents.models.risk import Backup, Measures, Recipients
from incidents.regulation.facts import assessment_categories, breach_duration, is_attack
from incidents.regulation.rules import RISK_LEVELS
from incidents.regulation.severity import (
    CB_VALUES,
    DPC_VALUES,
    EI_VALUES,
    Circumstances,
    Suggestion,
    band,
    score,
    suggest,
)
from incidents.services import ServiceError, free_text, obligations
from incidents.services.events import append_event
from incidents.services.locking import lock_incident

MAX_HOURS = 24 * 365 * 10


def severity(
    *,
    dpc: Decimal,
    ei: Decimal,
    confidentiality: Decimal,
    integrity: Decimal,
    availability: Decimal,
    malicious: bool,
) -> tuple[Decimal, str]:
    value = score(dpc, ei, confidentiality, integrity, availability, malicious)
    return value, band(value)


def suggestion_for(incident: Incident, circumstances: Circumstances) -> Suggestion:
    """What the record suggests for each factor, with the reasons."""
    exposures = list(Exposure.objects.filter(incident=incident).select_related("category"))
    return suggest(assessment_categories(exposures), _with_duration(incident, circumstances))


def _with_duration(incident: Incident, circumstances: Circumstances) -> Circumstances:
    ran_for = breach_duration(incident, timezone.now())
    return Circumstances(
        **{**asdict(circumstances), "ran_for": ran_for, "attack": is_attack(incident)}
    )


def _check_factors(values: dict[str, Decimal]) -> None:
    for name, value in values.items():
        if not isinstance(value, Decimal) or not value.is_finite():
            raise ServiceError(f"The {name} score must be a number.")
    if values["data processing context"] not in DPC_VALUES:
        raise ServiceError("The data processing context (DPC) is scored 1, 2, 3 or 4.")
    if values["ease of identification"] not in EI_VALUES:
        raise ServiceError("Ease of identification (EI) is 0.25, 0.5, 0.75 or 1.")
    losses = ("confidentiality", "integrity", "availability")
    if any(values[name] not in CB_VALUES for name in losses):
        raise ServiceError(
            "Loss of confidentiality, integrity and availability each score 0, 0.25 or 0.5."
        )


def _check_circumstances(circumstances: Circumstances, measures_text: str) -> None:
    if circumstances.recipients not in ("", *Recipients.values):
        raise ServiceError("Unknown choice of who received the data.")
    if circumstances.backup not in Backup.values:
        raise ServiceError("Unknown choice for the backup.")
    if circumstances.measures not in Measures.values:
        raise ServiceError("Unknown choice for the measures taken.")
    hours = circumstances.unavailable_hours
    if hours is not None and not 0 <= hours <= MAX_HOURS:
        raise ServiceError("Hours unavailable: a whole number from 0 to ten years.")
    if circumstances.measures and not measures_text.strip():
        raise ServiceError("Say which measures were taken since, and how they change the risk.")


def assess_risk(
    *,
    incident: Incident,
    by: Any,
    dpc: Decimal,
    dpc_rationale: str,
    ei: Decimal,
    ei_rationale: str,
    confidentiality: Decimal,
    integrity: Decimal,
    availability: Decimal,
    malicious: bool,
    cb_rationale: str,
    circumstances: Circumstances | None = None,
    measures_text: str = "",
    level: str = "",
    level_rationale: str = "",
    secrets: str = free_text.ASK,
) -> RiskAssessment:
    """A new version. `level`, when given and not the score's band, needs its rationale.
    `secrets`: what to do with rationales that look like a live secret."""
    circumstances = circumstances or Circumstances()
    texts = free_text.guard(
        {
            "data processing context": dpc_rationale,
            "ease of identification": ei_rationale,
            "circumstances": cb_rationale,
            "measures": measures_text,
            "level": level_rationale,
        },
        secrets,
        by=by,
    )
    dpc_rationale, ei_rationale, cb_rationale = (
        texts["data processing context"],
        texts["ease of identification"],
        texts["circumstances"],
    )
    measures_text, level_rationale = texts["measures"], texts["level"]
    _check_factors(
        {
            "data processing context": dpc,
            "ease of identification": ei,
            "confidentiality": confidentiality,
            "integrity": integrity,
            "availability": availability,
        }
    )
    _check_circumstances(circumstances, measures_text)
    rationales = {
        "data processing context": dpc_rationale,
        "ease of identification": ei_rationale,
        "circumstances of the breach": cb_rationale,
    }
    if missing := [name for name, text in rationales.items() if not text.strip()]:
        raise ServiceError(f"Write the rationale for: {', '.join(missing)}.")
    value, computed = severity(
        dpc=dpc,
        ei=ei,
        confidentiality=confidentiality,
        integrity=integrity,
        availability=availability,
        malicious=malicious,
    )
    level = level or computed
    if level not in RISK_LEVELS:
        raise ServiceError(f"Unknown risk level {level!r}.")
    if level != computed and not level_rationale.strip():
        raise ServiceError(
            f"The score's level is {computed.replace('_', ' ')}: concluding "
            f"{level.replace('_', ' ')} instead needs the rationale."
        )
    with transaction.atomic():
        locked = lock_incident(incident.pk)
        suggestion = suggestion_for(locked, circumstances)
        latest = RiskAssessment.objects.filter(incident=locked).order_by("-version").first()
        assessment = RiskAssessment.objects.create(
            incident=locked,
            version=(latest.version + 1) if latest else 1,
            dpc=dpc,
            dpc_rationale=dpc_rationale.strip(),
            ei=ei,
            ei_rationale=ei_rationale.strip(),
            confidentiality=confidentiality,
            integrity=integrity,
            availability=availability,
            malicious=malicious,
            cb_rationale=cb_rationale.strip(),
            score=value,
            computed_level=computed,
            level=level,
            level_rationale=level_rationale.strip() if level != computed else "",
            recipients=circumstances.recipients,
            backup=circumstances.backup,
            unavailable_hours=circumstances.unavailable_hours,
            measures=circumstances.measures,
            measures_text=measures_text.strip(),
            record_facts=_record_facts(locked),
            suggestion=_suggestion_record(suggestion),
            assessed_by=by,
        )
        append_event(
            incident=locked,
            verb="risk.assessed",
            actor=by,
            before={"level": latest.level} if latest else {},
            after={
                "version": assessment.version,
                "score": str(value),
                "computed_level": computed,
                "level": level,
                "level_rationale": assessment.level_rationale,
                "suggested_level": suggestion.level,
            },
        )
        obligations.recompute(incident=locked, by=by)  # the risk decides Art. 33 and 34
    return assessment


def _record_facts(incident: Incident) -> dict[str, Any]:
    exposures = list(Exposure.objects.filter(incident=incident).select_related("category"))
    return {
        "categories": [
            {**asdict(c), "effects": sorted(c.effects)} for c in assessment_categories(exposures)
        ],
        "began_at": incident.began_at.isoformat() if incident.began_at else None,
        "contained_at": incident.contained_at.isoformat() if incident.contained_at else None,
    }


def _suggestion_record(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "dpc": str(suggestion.dpc),
        "ei": str(suggestion.ei),
        "confidentiality": str(suggestion.confidentiality),
        "integrity": str(suggestion.integrity),
        "availability": str(suggestion.availability),
        "malicious": suggestion.malicious,
        "score": str(suggestion.score),
        "level": suggestion.level,
        "reasons": suggestion.reasons,
    }
