"""ENISA severity: the formula, its levels, versions, and Art. 34 following a high result."""

from decimal import Decimal as D

import pytest

from incidents.models import RiskAssessment
from incidents.regulation.facts import breach_facts
from incidents.services import ServiceError
from incidents.services.risk import assess_risk, severity

RATIONALES = {
    "dpc_rationale": "viewing histories",
    "ei_rationale": "joinable with public data",
    "cb_rationale": "extracted by unknown parties",
}


@pytest.mark.parametrize(
    ("dpc", "ei", "c", "i", "a", "malicious", "score", "level"),
    [
        (D("1"), D("0.25"), D("0"), D("0"), D("0"), False, D("0.25"), "low"),
        (D("2"), D("0.75"), D("0.5"), D("0"), D("0"), False, D("2.0"), "medium"),
        (D("3"), D("0.75"), D("0.5"), D("0"), D("0"), True, D("3.25"), "high"),
        (D("4"), D("1"), D("0.5"), D("0"), D("0"), True, D("5"), "very_high"),
        (D("2"), D("1"), D("0"), D("0"), D("0"), False, D("2"), "medium"),  # 2 is medium, not low
    ],
)
def test_the_formula_and_its_levels(dpc, ei, c, i, a, malicious, score, level):
    assert severity(
        dpc=dpc, ei=ei, confidentiality=c, integrity=i, availability=a, malicious=malicious
    ) == (score, level)


def _assess(incident, by, **overrides):
    values = {
        "dpc": D("3"),
        "ei": D("0.75"),
        "confidentiality": D("0.5"),
        "integrity": D("0"),
        "availability": D("0"),
        "malicious": True,
        **RATIONALES,
        **overrides,
    }
    return assess_risk(incident=incident, by=by, **values)


def test_every_version_is_kept_and_the_latest_drives_the_obligations(cast, incident):
    _assess(
        incident, cast.commander, dpc=D("1"), ei=D("0.25"), confidentiality=D("0"), malicious=False
    )
    assert breach_facts(incident).risk.level == "low"
    second = _assess(incident, cast.commander)
    assert second.version == 2 and second.level == "high"
    assert RiskAssessment.objects.filter(incident=incident).count() == 2
    assert breach_facts(incident).risk.level == "high"
    assert incident.events.filter(verb="risk.assessed").count() == 2


def test_each_factor_needs_its_rationale(cast, incident):
    with pytest.raises(ServiceError, match="rationale for: ease of identification"):
        _assess(incident, cast.commander, ei_rationale="  ")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("dpc", D("5"), "scored 1, 2, 3 or 4"),
        ("dpc", D("2.5"), "scored 1, 2, 3 or 4"),
        ("ei", D("0.6"), "0.25, 0.5, 0.75 or 1"),
        ("integrity", D("0.3"), "each score 0, 0.25 or 0.5"),
    ],
)
def test_out_of_range_factors_are_refused(cast, incident, field, value, message):
    with pytest.raises(ServiceError, match=message):
        _assess(incident, cast.commander, **{field: value})
    assert not RiskAssessment.objects.exists()


def test_assessing_high_on_the_page_brings_in_article_34(cast, incident):
    from incidents.models import DataCategory
    from incidents.services.exposures import record_exposure
    from tests.conftest import client_for

    record_exposure(
        incident=incident,
        category=DataCategory.objects.get(slug="viewing-history"),
        status="suspected",
        by=cast.commander,
        people_by_jurisdiction={"FR": 40},
    )
    client = client_for(cast.commander)
    before = client.get(f"/incidents/{incident.reference}/").content.decode()
    assert "Not assessed yet" in before
    response = client.post(
        f"/incidents/{incident.reference}/risk/",
        {
            "dpc": "3",
            "ei": "0.75",
            "confidentiality": "0.5",
            "integrity": "0",
            "availability": "0",
            "malicious": "yes",
            **RATIONALES,
        },
        HTTP_HX_REQUEST="true",
    )
    assert (
        response.status_code == 200
        and "HIGH" in response.content.decode()
        and "SE = 3 × 0.75 + 0.5 + 0 + 0 + 0.5 = 3.25" in response.content.decode()
    )
    after = client.get(f"/incidents/{incident.reference}/").content.decode()
    duties = after[after.index('id="obligations"') : after.index('id="risk"')]
    assert "GDPR Art. 34 — tell the people affected" in duties.split("Why the other rules")[0]


def test_a_bad_assessment_is_422_and_keeps_what_was_typed(cast, incident):
    from tests.conftest import client_for

    response = client_for(cast.commander).post(
        f"/incidents/{incident.reference}/risk/",
        {
            "dpc": "3",
            "ei": "0.75",
            "dpc_rationale": "kept text",
            "ei_rationale": "",
            "cb_rationale": "x",
        },
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert (
        response.status_code == 422
        and "rationale for: ease of identification" in body
        and "kept text" in body
    )


def test_a_reassessment_starts_from_the_current_version_keeping_suggestions_live(cast, incident):
    """The circumstances and what the assessor set apart from the suggestion are filled
    in; a factor taken as suggested stays "As suggested" so the record still moves it."""
    from incidents.models import DataCategory
    from incidents.roles import COMMANDER, RoleSet
    from incidents.selectors.obligations import risk_context
    from incidents.services.exposures import record_exposure
    from tests.conftest import client_for

    record_exposure(
        incident=incident,
        category=DataCategory.objects.get(slug="viewing-history"),
        status="suspected",
        by=cast.commander,
        people_by_jurisdiction={"FR": 40},
    )
    suggested = risk_context(incident, RoleSet(frozenset({COMMANDER})))["suggestion"]
    other_dpc = "4" if suggested.dpc != 4 else "3"
    response = client_for(cast.commander).post(
        f"/incidents/{incident.reference}/risk/",
        {
            "recipients": "unknown",
            "backup": "none",
            "dpc": other_dpc,
            "dpc_rationale": "profiles reveal health interests",
            "ei_rationale": "",
            "cb_rationale": "",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200, response.content.decode()[:500]
    form = risk_context(incident, RoleSet(frozenset({COMMANDER})))["risk_form"]
    assert form.initial["recipients"] == "unknown" and form.initial["backup"] == "none"
    assert form.initial["dpc"] == other_dpc
    assert form.initial["dpc_rationale"] == "profiles reveal health interests"
    assert "ei" not in form.initial and "confidentiality" not in form.initial
    page = client_for(cast.commander).get(f"/incidents/{incident.reference}/").content.decode()
    assert "Reassess <small>(starting from v1)</small>" in page
    assert "profiles reveal health interests</textarea>" in page
