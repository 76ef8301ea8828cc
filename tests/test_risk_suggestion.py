"""The risk assessment reads the record: a suggestion for each ENISA factor with reasons in
words, the arithmetic shown term by term, the assessor's own level with a rationale, and
bad numbers refused with nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from incidents.models import DataCategory, Obligation, ObligationState, RiskAssessment
from incidents.regulation.severity import CategoryFact, Circumstances, formula, suggest
from incidents.services import ServiceError
from incidents.services.exposures import Range, record_exposure
from incidents.services.risk import assess_risk
from tests.conftest import client_for
from tests.test_risk import RATIONALES

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_formula_shows_every_term_and_adds_up():
    assert formula(D("3.00"), D("0.75"), D("0.00"), D("0"), D("0"), True) == (
        "SE = 3 × 0.75 + 0 + 0 + 0 + 0.5 = 2.75"
    )
    assert formula(D("3"), D("0.75"), D("0.5"), D("0"), D("0"), True).endswith("= 3.25")


@pytest.mark.parametrize(
    ("category", "dpc"),
    [
        (CategoryFact("Contact details", data_type="simple"), D("1")),
        (CategoryFact("Viewing history", data_type="behavioural"), D("2")),
        (CategoryFact("Payments", data_type="financial"), D("3")),
        (CategoryFact("Health", data_type="sensitive"), D("4")),
        (CategoryFact("Biometric", special=True), D("4")),
        (CategoryFact("Children's data", data_type="simple", children=True), D("2")),
        (CategoryFact("Viewing history", data_type="behavioural", already_public=True), D("1")),
        (CategoryFact("Credentials", sensitivity=4), D("4")),
    ],
)
def test_the_data_processing_context_follows_the_category(category, dpc):
    suggestion = suggest([category], Circumstances(recipients="unknown"))
    assert suggestion.dpc == dpc
    assert suggestion.reasons["dpc"][0].startswith(category.name)


def test_the_highest_context_counts_and_a_long_breach_builds_a_profile():
    categories = [
        CategoryFact("Contact details", data_type="simple"),
        CategoryFact("Viewing history", data_type="behavioural"),
    ]
    short = suggest(categories, Circumstances(ran_for=dt.timedelta(days=2)))
    long = suggest(categories, Circumstances(ran_for=dt.timedelta(days=90)))
    assert (short.dpc, long.dpc) == (D("2"), D("3"))
    assert any("highest score counts" in r for r in long.reasons["dpc"])
    assert any("90 days" in r for r in long.reasons["dpc"])


@pytest.mark.parametrize(
    ("recipients", "protection", "confidentiality", "malicious"),
    [
        ("malicious", "none", D("0.5"), True),
        ("unknown", "none", D("0.5"), False),
        ("", "none", D("0.5"), False),  # not recorded: assumed unknown recipients
        ("known_trusted", "none", D("0.25"), False),
        ("known_untrusted", "none", D("0.25"), False),
        ("none_known", "none", D("0"), False),
        ("malicious", "encrypted_key_safe", D("0"), True),
        ("malicious", "encrypted_key_compromised", D("0.5"), True),
    ],
)
def test_confidentiality_follows_who_could_read_it_and_how_it_was_protected(
    recipients, protection, confidentiality, malicious
):
    category = CategoryFact("Viewing history", data_type="behavioural", protection=protection)
    suggestion = suggest([category], Circumstances(recipients=recipients))
    assert (suggestion.confidentiality, suggestion.malicious) == (confidentiality, malicious)


@pytest.mark.parametrize(
    ("backup", "hours", "availability", "level"),
    [
        ("restored", 3, D("0"), "low"),  # EDPB 01/2021 Case 01
        ("restored", 72, D("0.25"), "low"),
        ("restored", None, D("0.25"), "low"),
        ("none", None, D("0.5"), "medium"),  # EDPB 01/2021 Case 02
        ("", None, D("0.5"), "medium"),  # not recorded: assumed lost
    ],
)
def test_ransomware_availability_follows_the_backup(backup, hours, availability, level):
    category = CategoryFact(
        "Client files", data_type="simple", effects=frozenset({"availability", "integrity"})
    )
    circumstances = Circumstances(
        recipients="not_disclosed", backup=backup, unavailable_hours=hours
    )
    suggestion = suggest([category], circumstances)
    assert suggestion.availability == availability
    assert suggestion.confidentiality == D("0")
    assert suggestion.level == level


def test_the_flags_the_method_names_are_listed():
    category = CategoryFact("Kids", data_type="simple", children=True, people_high=5_000)
    flags = suggest([category], Circumstances(measures="reduce")).reasons["flags"]
    assert any("More than 100 people (5,000" in f for f in flags)
    assert any("Children's data" in f for f in flags)
    assert any("reduce the likelihood" in f for f in flags)


@pytest.fixture
def exposed(cast, incident):
    record_exposure(
        incident=incident,
        category=DataCategory.objects.get(slug="viewing-history"),
        status="confirmed",
        by=cast.commander,
        people=Range(900, 900),
        people_by_jurisdiction={"DE": 900},
        protection="none",
    )
    return incident


def test_factors_left_as_suggested_take_the_suggestion_and_its_reasons(cast, exposed):
    response = client_for(cast.commander).post(
        f"/incidents/{exposed.reference}/risk/", {"recipients": "malicious"}, **HTMX
    )
    assert response.status_code == 200, response.content.decode()[:500]
    risk = RiskAssessment.objects.get(incident=exposed)
    # behavioural 2 × significant 0.75 + unknown recipients 0.5 + malicious 0.5 = 2.5
    assert (risk.dpc, risk.ei, risk.confidentiality, risk.malicious) == (
        2,
        D("0.75"),
        D("0.5"),
        True,
    )
    assert risk.score == D("2.5") and risk.level == "medium" and not risk.moved
    assert "behavioural data, basic score 2" in risk.dpc_rationale
    assert risk.suggestion["level"] == "medium"
    assert risk.record_facts["categories"][0]["name"] == "Behavioural data and viewing history"


def test_a_level_moved_from_the_score_needs_its_rationale_and_then_decides(cast, exposed):
    client = client_for(cast.commander)
    url = f"/incidents/{exposed.reference}/risk/"
    refused = client.post(url, {"recipients": "malicious", "level": "high"}, **HTMX)
    assert refused.status_code == 422
    assert "concluding high instead needs the rationale" in refused.content.decode()
    assert not RiskAssessment.objects.exists()
    client.post(
        url,
        {
            "recipients": "malicious",
            "level": "high",
            "level_rationale": "Viewing histories of minors' accounts were among them.",
        },
        **HTMX,
    )
    risk = RiskAssessment.objects.get(incident=exposed)
    assert (risk.computed_level, risk.level, risk.moved) == ("medium", "high", True)
    art34 = Obligation.objects.get(incident=exposed, rule_id="eu-gdpr-art34")
    assert art34.state == ObligationState.OPEN
    page = client.get(f"/incidents/{exposed.reference}/").content.decode()
    assert "score's level medium, concluded high" in page


def test_assessed_low_makes_article_33_not_required_with_the_reasoning(cast, exposed):
    assert Obligation.objects.get(incident=exposed, rule_id="eu-gdpr-art33").gaps
    assess_risk(
        incident=exposed,
        by=cast.commander,
        dpc=D("1"),
        ei=D("0.25"),
        confidentiality=D("0"),
        integrity=D("0"),
        availability=D("0"),
        malicious=False,
        **RATIONALES,
    )
    art33 = Obligation.objects.get(incident=exposed, rule_id="eu-gdpr-art33")
    assert art33.state == ObligationState.NOT_REQUIRED
    assert "unlikely to result in a risk" in art33.why
    assert exposed.events.filter(verb="obligation.not_required").exists()


def test_later_measures_that_remove_the_high_risk_need_saying_and_excuse_article_34(cast, exposed):
    values = dict(
        incident=exposed,
        by=cast.commander,
        dpc=D("3"),
        ei=D("1"),
        confidentiality=D("0.5"),
        integrity=D("0"),
        availability=D("0"),
        malicious=True,
        circumstances=Circumstances(measures="remove_high_risk"),
        **RATIONALES,
    )
    with pytest.raises(ServiceError, match="Say which measures"):
        assess_risk(**values)
    assess_risk(**values, measures_text="All exposed sessions revoked and passwords reset.")
    art34 = Obligation.objects.get(incident=exposed, rule_id="eu-gdpr-art34")
    assert art34.state == ObligationState.NOT_REQUIRED and "Art. 34(3)(b)" in art34.why


@pytest.mark.parametrize(
    "posted",
    [
        {"dpc": "NaN"},
        {"dpc": "Infinity"},
        {"dpc": "5"},
        {"dpc": "0"},
        {"dpc": "2.5"},
        {"ei": "0.6"},
        {"confidentiality": "NaN"},
        {"unavailable_hours": "-3"},
        {"recipients": "aliens"},
        {"level": "catastrophic"},
    ],
)
def test_bad_numbers_and_choices_are_refused_with_nothing_written(cast, exposed, posted):
    response = client_for(cast.commander).post(
        f"/incidents/{exposed.reference}/risk/", {**RATIONALES, **posted}, **HTMX
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert not RiskAssessment.objects.exists()


@pytest.mark.parametrize("value", [D("NaN"), D("sNaN"), D("Infinity"), D("-Infinity")])
def test_the_service_refuses_non_numbers_too(cast, exposed, value):
    with pytest.raises(ServiceError, match="must be a number"):
        assess_risk(
            incident=exposed,
            by=cast.commander,
            dpc=value,
            ei=D("1"),
            confidentiality=D("0"),
            integrity=D("0"),
            availability=D("0"),
            malicious=False,
            **RATIONALES,
        )
