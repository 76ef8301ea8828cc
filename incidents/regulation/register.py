"""The breach register (GDPR Art. 33(5)): every incident with personal data, notified or
not, with its facts, effects, remedial action, and the decision with its rationale."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from incidents.models import (
    ChecklistItem,
    Exposure,
    Incident,
    Notice,
    Obligation,
    ObligationState,
    RiskAssessment,
)
from incidents.presentation.timefmt import local_iso, local_text

COLUMNS = [
    "reference",
    "title",
    "status",
    "detected_at",
    "aware_at",
    "contained_at",
    "personal_data",
    "people_affected",
    "jurisdictions",
    "risk",
    "risk_rationale",
    "remedial_action",
    "duties",
    "notified",
    "decision",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def register_incidents(visible: QuerySet[Incident]) -> QuerySet[Incident]:
    personal = Exposure.objects.filter(category__personal_data=True).exclude(status="ruled_out")
    return (
        visible.filter(pk__in=personal.values("incident_id"))
        .order_by("created_at")
        .prefetch_related(
            Prefetch("exposures", queryset=Exposure.objects.select_related("category")),
            Prefetch("risk_assessments", queryset=RiskAssessment.objects.order_by("-version")),
            Prefetch(
                "checklist",
                queryset=ChecklistItem.objects.filter(state="done").order_by("position"),
            ),
            Prefetch(
                "notices", queryset=Notice.objects.filter(state="sent").select_related("partner")
            ),
            Prefetch(
                "obligations",
                queryset=Obligation.objects.exclude(state=ObligationState.LAPSED).order_by(
                    F("deadline").asc(nulls_last=True), "pk"
                ),
            ),
        )
    )


def _safe(value: Any) -> str:
    """Spreadsheets run cells that start like a formula; make them plain text."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _row(incident: Any) -> list[str]:
    """`incident` carries the prefetched relations of register_incidents (typed loosely:
    the stubs do not see reverse relations declared by string)."""
    exposures = [
        e for e in incident.exposures.all() if e.category.personal_data and e.status != "ruled_out"
    ]
    risk = next(iter(incident.risk_assessments.all()), None)
    now = timezone.now()
    duties = list(incident.obligations.all())
    sent = list(incident.notices.all())
    lows = [e.people_low for e in exposures if e.people_low is not None]
    highs = [e.people_high for e in exposures if e.people_high is not None]
    notified = "; ".join(f"{n.partner.name} {n.sent_at:%Y-%m-%d}" for n in sent if n.sent_at)
    decision = "; ".join(
        [
            "notified" if sent else "not notified",
            f"risk {risk.level.replace('_', ' ')}" if risk else "risk not assessed",
            *(f"{d.name} not required: {d.why}" for d in duties if d.state == "not_required"),
            *(
                f"{d.name} waived by hand (override): {d.waiver_reason}"
                for d in duties
                if d.waiver_reason
            ),
            *(f"{d.name} late: {d.late_reason}" for d in duties if d.late_reason),
            *(f"{d.name} reference {d.filing_reference}" for d in duties if d.filing_reference),
        ]
    )
    return [
        _safe(v)
        for v in (
            incident.reference,
            incident.title,
            incident.get_status_display(),
            local_iso(incident.detected_at),
            local_iso(incident.aware_at),
            local_iso(incident.contained_at),
            "; ".join(f"{e.category.name} ({e.status})" for e in exposures),
            f"{sum(lows):,}–{sum(highs):,}" if lows else "unknown",
            ", ".join(sorted({c for e in exposures for c in e.jurisdictions})),
            f"{risk.level} ({risk.score})" if risk else "",
            f"{risk.dpc_rationale} / {risk.ei_rationale} / {risk.cb_rationale}" if risk else "",
            "; ".join(item.title for item in incident.checklist.all()),
            "; ".join(_duty_text(d, now) for d in duties),
            notified,
            decision,
        )
    ]


def _duty_text(duty: Obligation, now: Any) -> str:
    by = f" by {local_text(duty.deadline)}" if duty.deadline else ""
    people = f" ({duty.people_text} people)" if duty.people_text else ""
    provisional = (
        f" [provisional: missing {'; '.join(duty.gaps)}]"
        if duty.gaps and duty.state == "open"
        else ""
    )
    return f"{duty.name}{by}{people}: {duty.status_at(now)}{provisional}"


def register_csv(incidents: Iterable[Incident]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for incident in incidents:
        writer.writerow(_row(incident))
    return out.getvalue()
