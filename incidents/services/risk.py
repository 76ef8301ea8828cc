"""The ENISA personal data breach severity assessment: SE = DPC × EI + CB.

DPC (data processing context) 1–4; EI (ease of identification) 0.25 negligible, 0.5 limited,
0.75 significant, 1 maximum; CB (circumstances): loss of confidentiality, integrity and
availability 0 / 0.25 / 0.5 each, plus 0.5 for malicious intent. SE below 2 is low, below 3
medium, below 4 high, from 4 very high."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from incidents.models import Incident, RiskAssessment
from incidents.services import ServiceError, obligations
from incidents.services.events import append_event
from incidents.services.locking import lock_incident

EI_VALUES = {Decimal("0.25"), Decimal("0.5"), Decimal("0.75"), Decimal("1")}
CB_VALUES = {Decimal("0"), Decimal("0.25"), Decimal("0.5")}
LEVELS = ((Decimal("2"), "low"), (Decimal("3"), "medium"), (Decimal("4"), "high"))


def severity(
    *,
    dpc: Decimal,
    ei: Decimal,
    confidentiality: Decimal,
    integrity: Decimal,
    availability: Decimal,
    malicious: bool,
) -> tuple[Decimal, str]:
    score = (
        dpc * ei + confidentiality + integrity + availability + (Decimal("0.5") if malicious else 0)
    )
    level = next((name for bound, name in LEVELS if score < bound), "very_high")
    return score, level


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
) -> RiskAssessment:
    if not Decimal("1") <= dpc <= Decimal("4"):
        raise ServiceError("The data processing context (DPC) is scored from 1 to 4.")
    if ei not in EI_VALUES:
        raise ServiceError("Ease of identification (EI) is 0.25, 0.5, 0.75 or 1.")
    if any(v not in CB_VALUES for v in (confidentiality, integrity, availability)):
        raise ServiceError(
            "Loss of confidentiality, integrity and availability each score 0, 0.25 or 0.5."
        )
    rationales = {
        "data processing context": dpc_rationale,
        "ease of identification": ei_rationale,
        "circumstances of the breach": cb_rationale,
    }
    if missing := [name for name, text in rationales.items() if not text.strip()]:
        raise ServiceError(f"Write the rationale for: {', '.join(missing)}.")
    score, level = severity(
        dpc=dpc,
        ei=ei,
        confidentiality=confidentiality,
        integrity=integrity,
        availability=availability,
        malicious=malicious,
    )
    with transaction.atomic():
        locked = lock_incident(incident.pk)
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
            score=score,
            level=level,
            assessed_by=by,
        )
        append_event(
            incident=locked,
            verb="risk.assessed",
            actor=by,
            before={"level": latest.level} if latest else {},
            after={"version": assessment.version, "score": str(score), "level": level},
        )
        obligations.recompute(incident=locked, by=by)  # high risk brings in Art. 34
    return assessment
