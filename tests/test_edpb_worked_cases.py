"""Worked cases from EDPB Guidelines 01/2021 on Examples regarding Personal Data Breach
Notification (v2.0, adopted 14 December 2021), entered through the services as a DPO would:
the exposures as the case describes them, the circumstances, and an ENISA assessment that
takes Breachroom's suggestion unless the DPO, citing the case, moves a factor or the level.
The engine's conclusion for the authority (Art. 33) and the people (Art. 34) must be the
EDPB's. Paragraph numbers as read in a full-text copy of v2.0 (docs/regulation.md says
which copy and what is unverified)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from incidents.models import BreachVector, DataCategory, Incident, Obligation, ObligationState
from incidents.regulation.severity import Circumstances
from incidents.services.exposures import Range, record_exposure
from incidents.services.incident_fields import token_of, update_field
from incidents.services.risk import assess_risk, suggestion_for
from tests.factories import make_incident, set_aware

NOTIFY, NO = "notify", "no"


@dataclass(frozen=True)
class Data:
    category: str
    people: int
    protection: str = "none"
    disclosed: bool = True
    unavailable: bool = False
    altered: bool = False


@dataclass(frozen=True)
class Case:
    number: str
    paragraphs: str
    data: tuple[Data, ...]
    circumstances: Circumstances
    authority: str
    people: str
    vector: str = "other"
    # What the DPO changes in the suggestion, with the reason the case gives.
    factors: dict[str, Decimal] = field(default_factory=dict)
    factor_reason: str = ""
    level: str = ""
    level_reason: str = ""


CASES = [
    Case(
        "01 ransomware with proper backup, without exfiltration",
        "paras. 16-25 (conclusion para. 25)",
        (Data("contact-details", 36, "encrypted_key_safe", disclosed=False, unavailable=True),),
        Circumstances(recipients="not_disclosed", backup="restored", unavailable_hours=4),
        NO,
        NO,
        vector="malware",
    ),
    Case(
        "02 ransomware without proper backup",
        "paras. 26-35 (conclusion para. 35; exfiltration not dismissed, para. 28)",
        (Data("contact-details", 40, unavailable=True),),
        Circumstances(recipients="unknown", backup="restored", unavailable_hours=120),
        NOTIFY,
        NO,
        vector="malware",
    ),
    Case(
        "03 ransomware with backup, without exfiltration, in a hospital",
        "paras. 36-40 (conclusion paras. 39-40)",
        (
            Data("health", 4_000, disclosed=False, unavailable=True),
            Data("contact-details", 4_000, disclosed=False, unavailable=True),
        ),
        Circumstances(recipients="not_disclosed", backup="restored", unavailable_hours=48),
        NOTIFY,
        NOTIFY,
        vector="malware",
    ),
    Case(
        "04 ransomware without backup and with exfiltration",
        "paras. 41-47 (conclusion paras. 46-47)",
        (
            Data("financial-payment", 6_000, unavailable=True),
            Data("government-ids", 6_000, unavailable=True),
        ),
        Circumstances(recipients="malicious", backup="none"),
        NOTIFY,
        NOTIFY,
        vector="malware",
    ),
    Case(
        "05 exfiltration of job application data from a website",
        "paras. 51-55 (conclusion para. 55; misuse for identity theft, para. 53)",
        (Data("contact-details", 213, altered=True),),
        Circumstances(recipients="malicious", backup="restored"),
        NOTIFY,
        NOTIFY,
        factors={"dpc": Decimal("2")},
        factor_reason="CVs allow assumptions about social and financial status (ENISA Table 1, "
        "simple data +1); EDPB 01/2021 para. 53.",
    ),
    Case(
        "06 exfiltration of hashed passwords from a website",
        "paras. 56-62 (no risk, para. 56)",
        (Data("account-credentials", 1_200, "hashed_salted"),),
        Circumstances(recipients="malicious"),
        NO,
        NO,
    ),
    Case(
        "07 credential stuffing attack on a banking website",
        "paras. 63-68 (conclusion para. 68)",
        (
            Data("government-ids", 100_000),
            Data("financial-payment", 2_000),
        ),
        Circumstances(recipients="malicious"),
        NOTIFY,
        NOTIFY,
        vector="stolen-credentials",
    ),
    Case(
        "08 exfiltration of business data by an employee",
        "paras. 72-77 (conclusion para. 77)",
        (Data("contact-details", 800),),
        Circumstances(recipients="malicious"),
        NOTIFY,
        NO,
        vector="insider",
    ),
    Case(
        "09 accidental transmission of data to a trusted third party",
        "paras. 78-82 (no risk, para. 80; conclusion para. 82)",
        (Data("contact-details", 24),),
        Circumstances(recipients="known_trusted"),
        NO,
        NO,
    ),
    Case(
        "10 stolen material storing encrypted personal data",
        "paras. 88-92 (conclusion para. 92)",
        (Data("childrens-data", 60, "encrypted_key_safe", unavailable=True),),
        Circumstances(recipients="malicious", backup="restored", unavailable_hours=0),
        NO,
        NO,
    ),
    Case(
        "11 stolen material storing non-encrypted personal data",
        "paras. 93-98 (high risk of identity fraud, para. 96; conclusion para. 98)",
        (Data("contact-details", 100_001, unavailable=True),),
        Circumstances(recipients="malicious", backup="restored", unavailable_hours=24),
        NOTIFY,
        NOTIFY,
        level="high",
        level_reason="Names, addresses and dates of birth of over 100,000 customers on an "
        "unprotected stolen notebook: identity fraud, EDPB 01/2021 para. 96.",
    ),
    Case(
        "12 stolen paper files with sensitive data",
        "paras. 99-103 (conclusion para. 103)",
        (
            Data("health", 150, unavailable=True),
            Data("contact-details", 150, unavailable=True),
        ),
        Circumstances(recipients="malicious", backup="none"),
        NOTIFY,
        NOTIFY,
    ),
    Case(
        "13 postal mail mistake (two orders swapped)",
        "paras. 107-109 (low risk, para. 107)",
        (Data("contact-details", 2),),
        Circumstances(recipients="known_untrusted"),
        NO,
        NO,
    ),
    Case(
        "14 highly confidential personal data sent by mail by mistake",
        "paras. 110-113 (high risk with social security numbers, para. 111)",
        (Data("government-ids", 60_000),),
        Circumstances(recipients="unknown"),
        NOTIFY,
        NOTIFY,
        level="high",
        level_reason="Social security numbers of 60,000 jobseekers sent to all of them; "
        "further distribution cannot be contained: EDPB 01/2021 para. 111.",
    ),
    Case(
        "15 personal data sent by mail by mistake (course list)",
        "paras. 114-118 (conclusion para. 118)",
        (Data("health", 15),),
        Circumstances(recipients="known_untrusted"),
        NO,
        NO,
        factors={"dpc": Decimal("1")},
        factor_reason="Lactose intolerance of two participants: health data of no significance "
        "here (ENISA Annex 1 A2, nature of data; EDPB 01/2021 para. 115).",
    ),
    Case(
        "16 postal mail mistake (two insurance letters in one envelope)",
        "paras. 119-121 (effects medium, para. 119; the outcome from the case's table)",
        (Data("contact-details", 1),),
        Circumstances(recipients="known_untrusted"),
        NOTIFY,
        NO,
        level="medium",
        level_reason="Vehicle registration, rates, mileage and date of birth read by another "
        "policyholder; effects medium, misuse low to medium: EDPB 01/2021 para. 119.",
    ),
    Case(
        "17 identity theft",
        "paras. 124-128 (high risk, para. 124; conclusion para. 125)",
        (Data("location", 1),),
        Circumstances(recipients="malicious"),
        NOTIFY,
        NOTIFY,
        vector="phishing",
        factors={"ei": Decimal("1")},
        factor_reason="The impostor knows whose billing data it is: they posed as that client "
        "(EDPB 01/2021 para. 124).",
    ),
    Case(
        "18 email exfiltration",
        "paras. 129-131 (high risk for all 99, para. 129)",
        (Data("financial-payment", 99), Data("contact-details", 99)),
        Circumstances(recipients="malicious"),
        NOTIFY,
        NOTIFY,
        vector="stolen-credentials",
    ),
]


def _enter(case: Case, cast) -> Incident:
    """The case as a DPO records it, through the services."""
    incident = make_incident(by=cast.commander, title=f"EDPB case {case.number}")
    set_aware(incident, by=cast.commander, when=timezone.now() - timedelta(hours=6))
    incident.refresh_from_db()
    for name, value in (
        ("data_role", "controller"),
        ("breach_vector", BreachVector.objects.get(slug=case.vector)),
    ):
        update_field(
            incident=incident,
            field=name,
            value=value,
            was=token_of(incident, name),
            by=cast.commander,
        )
        incident.refresh_from_db()
    for data in case.data:
        record_exposure(
            incident=incident,
            category=DataCategory.objects.get(slug=data.category),
            status="confirmed",
            by=cast.commander,
            people=Range(data.people, data.people),
            people_by_jurisdiction={"DE": data.people},
            protection=data.protection,
            disclosed=data.disclosed,
            unavailable=data.unavailable,
            altered=data.altered,
        )
    suggested = suggestion_for(incident, case.circumstances)
    factors: dict[str, Any] = {
        "dpc": suggested.dpc,
        "ei": suggested.ei,
        "confidentiality": suggested.confidentiality,
        "integrity": suggested.integrity,
        "availability": suggested.availability,
        **case.factors,
    }
    reasons = suggested.reasons
    assess_risk(
        incident=incident,
        by=cast.commander,
        malicious=suggested.malicious,
        dpc_rationale=case.factor_reason if "dpc" in case.factors else " ".join(reasons["dpc"]),
        ei_rationale=case.factor_reason if "ei" in case.factors else " ".join(reasons["ei"]),
        cb_rationale=" ".join(reasons["cb"]),
        circumstances=case.circumstances,
        level=case.level,
        level_rationale=case.level_reason,
        **factors,
    )
    return incident


def _conclusion(incident: Incident, rule_id: str) -> str:
    duty = Obligation.objects.filter(incident=incident, rule_id=rule_id).first()
    assert duty is not None, f"{rule_id}: no decision recorded"
    assert duty.state in (ObligationState.OPEN, ObligationState.NOT_REQUIRED), duty.state
    assert duty.why, "a decision says why"
    return NOTIFY if duty.state == ObligationState.OPEN else NO


@pytest.mark.parametrize("case", CASES, ids=[c.number.split(" ")[0] for c in CASES])
def test_the_engine_reaches_the_edpb_conclusion(cast, case):
    incident = _enter(case, cast)
    reached = (_conclusion(incident, "eu-gdpr-art33"), _conclusion(incident, "eu-gdpr-art34"))
    assert reached == (case.authority, case.people), (
        f"EDPB 01/2021 case {case.number}, {case.paragraphs}"
    )


def test_a_case_decided_not_to_notify_is_kept_for_the_register_with_its_reasoning(cast):
    incident = _enter(CASES[0], cast)
    art33 = Obligation.objects.get(incident=incident, rule_id="eu-gdpr-art33")
    assert art33.state == ObligationState.NOT_REQUIRED
    assert "unlikely to result in a risk to people" in art33.why
