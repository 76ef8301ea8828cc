"""The regulator pack: what GDPR Art. 33(3) asks for, filled from the record, with each
missing element named, the key times and every duty as met / due / missed / waived."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from incidents.models import KEY_TIMES, Incident, Obligation, ObligationState, RiskAssessment
from incidents.notices import context as notice_context
from incidents.notices.facts import Facts, gather, range_text
from incidents.presentation.timefmt import local_text
from incidents.regulation.engine import UNDETERMINED, Decision, evaluate
from incidents.regulation.facts import breach_facts
from incidents.regulation.gaps import record_gaps
from incidents.regulation.rules import all_rules
from incidents.selectors.evidence import EvidenceLine, evidence_behind_facts
from incidents.services.times import TIME_LABELS


@dataclass(frozen=True)
class Element:
    label: str
    text: str
    missing: str = ""  # what to record, when the element cannot be filled


@dataclass(frozen=True)
class DutyLine:
    obligation: Obligation
    status: str  # met | met late | waived | not required | due | missed

    @property
    def words(self) -> str:
        """The status as the pack prints it: a hand waiver is an override of the rules."""
        return "waived by hand (override)" if self.status == "waived" else self.status


@dataclass(frozen=True)
class RegulatorPack:
    incident: Incident
    generated_at: dt.datetime
    elements: list[Element]
    key_times: list[tuple[str, dt.datetime | None]]
    duties: list[DutyLine]
    # Facts the rules lack, and duties they cannot decide without them: never "no duty".
    gaps: list[str]
    undetermined: list[Decision]
    # Every file and four-eyes decision behind the facts stated, with hashes.
    evidence: list[EvidenceLine]

    @property
    def missing(self) -> list[Element]:
        return [e for e in self.elements if e.missing]


def build_pack(incident: Incident) -> RegulatorPack:
    facts = gather(incident)
    words = notice_context.build(facts)
    risk = RiskAssessment.objects.filter(incident=incident).order_by("-version").first()
    records = list(
        Obligation.objects.filter(incident=incident)
        .exclude(state=ObligationState.LAPSED)
        .select_related("met_notice__partner")
        .order_by(F("deadline").asc(nulls_last=True), "pk")
    )
    now = timezone.now()
    rules = all_rules()
    breach = breach_facts(incident, records, exposures=facts.exposures)
    decisions = evaluate(rules, breach)
    recorded = {o.rule_id for o in records}
    undetermined = [d for d in decisions if d.outcome == UNDETERMINED and d.rule.id not in recorded]
    duty_gaps = [
        f"{o.name}: {gap}" for o in records if o.state == ObligationState.OPEN for gap in o.gaps
    ]
    return RegulatorPack(
        incident=incident,
        generated_at=now,
        elements=_elements(incident, facts, words, risk, records),
        key_times=[(TIME_LABELS[name], getattr(incident, name)) for name in KEY_TIMES],
        duties=[DutyLine(o, o.status_at(now)) for o in records],
        gaps=record_gaps(rules, breach) + duty_gaps,
        undetermined=undetermined,
        evidence=evidence_behind_facts(incident),
    )


def _elements(
    incident: Incident,
    facts: Facts,
    words: dict,
    risk: RiskAssessment | None,
    records: list[Obligation],
) -> list[Element]:
    categories = "\n".join(
        f"- {e.category.name} ({e.get_status_display().lower()}): "
        f"{range_text(e.records_low, e.records_high)} records, "
        f"{range_text(e.people_low, e.people_high)} people"
        for e in facts.exposed()
        if e.category.personal_data
    )
    nature = "\n".join(
        part
        for part in (
            f"{incident.title}. How: {words['nature']}." if words["nature"] else incident.title,
            incident.summary,
        )
        if part
    )
    contact = ", ".join(p for p in (words["contact_name"], words["contact_email"]) if p)
    consequences = (
        f"Risk assessed {risk.level.replace('_', ' ')} (ENISA SE {risk.score}, v{risk.version}).\n"
        f"{risk.dpc_rationale}\n{risk.ei_rationale}\n{risk.cb_rationale}"
        if risk
        else ""
    )
    art33 = next((o for o in records if o.rule_id == "eu-gdpr-art33"), None)
    elements = [
        Element(
            "Nature of the breach",
            nature,
            "" if words["nature"] else "Record the breach vector (how it happened).",
        ),
        Element(
            "Categories of personal data and records concerned",
            categories,
            "" if categories else "Record the exposed data categories.",
        ),
        Element(
            "Approximate number of people concerned",
            words["people_affected"],
            "Estimate the people affected on the exposures."
            if words["people_affected"] == "unknown"
            else "",
        ),
        Element(
            "Approximate number of personal data records concerned",
            words["personal_records_affected"],
            "Estimate the records on the exposures."
            if words["personal_records_affected"] == "unknown"
            else "",
        ),
        Element(
            "Contact point (DPO or other)",
            contact,
            "" if words["contact_email"] else "Name a commander with an email address.",
        ),
        Element(
            "Likely consequences",
            consequences,
            "" if risk else "Assess the risk to people (ENISA method).",
        ),
        Element(
            "Measures taken or proposed",
            words["measures_taken"],
            ""
            if words["measures_taken"]
            else "Complete a response step or rotate credentials: none is recorded.",
        ),
        Element(
            "When the controller became aware",
            local_text(incident.aware_at),
            "" if incident.aware_at else "Record when the team became aware.",
        ),
    ]
    if art33 and art33.status_at(timezone.now()) in ("met late", "missed"):
        elements.append(
            Element(
                "Reasons for the delay (Art. 33(1))",
                art33.late_reason,
                "" if art33.late_reason else "Notified after 72 hours: record the reasons.",
            )
        )
    return elements
