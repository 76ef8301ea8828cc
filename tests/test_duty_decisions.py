"""The engine's decisions, as a table: risk levels against GDPR / UK GDPR Art. 33 and 34,
the EEA, the processor's duty, availability and integrity breaches, protection of the data,
and jurisdictions whose split of people is unknown. Each case checks the duty's words."""

from __future__ import annotations

import pytest

from incidents.regulation.engine import NOT_REQUIRED, OUT_OF_SCOPE, REQUIRED, UNDETERMINED
from incidents.regulation.facts_model import ExposureFact
from incidents.regulation.gaps import record_gaps
from incidents.regulation.rules import all_rules
from tests.test_regulation_rules import ASSESSED, AWARE, decision, facts, risk, viewing

RANSOMED = frozenset({"availability"})
LEVELS = ["low", "medium", "high", "very_high"]


@pytest.mark.parametrize(
    ("level", "art33", "art34"),
    [
        (None, REQUIRED, UNDETERMINED),
        ("low", NOT_REQUIRED, NOT_REQUIRED),
        ("medium", REQUIRED, NOT_REQUIRED),
        ("high", REQUIRED, REQUIRED),
        ("very_high", REQUIRED, REQUIRED),
    ],
)
@pytest.mark.parametrize(
    ("place", "prefix"),
    [("DE", "eu-gdpr"), ("NO", "eu-gdpr"), ("IS", "eu-gdpr"), ("GB", "gb-uk-gdpr")],
)
def test_articles_33_and_34_follow_the_assessed_risk(level, art33, art34, place, prefix):
    breach = facts(viewing({place: 1_000}), level=level)
    assert decision(breach, f"{prefix}-art33").outcome == art33
    assert decision(breach, f"{prefix}-art34").outcome == art34


def test_without_an_assessment_article_33_is_presumed_and_names_the_gap():
    art33 = decision(facts(viewing({"FR": 40})), "eu-gdpr-art33")
    assert art33.applies and art33.provisional
    assert any("risk assessment" in gap for gap in art33.gaps)
    assert art33.deadline == AWARE.replace(day=23)


def test_unlikely_to_result_in_a_risk_is_not_required_with_its_reasoning():
    breach = facts(
        viewing({"DE": 30}),
        risk=risk("low", version=2, rationale="Restored from backup in three hours."),
    )
    art33 = decision(breach, "eu-gdpr-art33")
    assert art33.outcome == NOT_REQUIRED
    assert "risk assessed low (v2): unlikely to result in a risk to people" in art33.why
    assert "Restored from backup in three hours." in art33.why


def test_article_34_counts_without_undue_delay_from_the_assessment_that_found_high_risk():
    art34 = decision(facts(viewing({"DE": 30}), level="high"), "eu-gdpr-art34")
    assert art34.applies and art34.deadline is None and art34.clock_started_at == ASSESSED


@pytest.mark.parametrize(
    ("protection", "outcome"),
    [
        ("encrypted_key_safe", NOT_REQUIRED),
        ("hashed_salted", NOT_REQUIRED),
        ("encrypted_key_compromised", REQUIRED),
        ("pseudonymised", REQUIRED),
        ("unknown", REQUIRED),
        ("none", REQUIRED),
    ],
)
def test_article_34_3_a_follows_how_the_data_was_protected(protection, outcome):
    art34 = decision(
        facts(viewing({"DE": 500}, protection=protection), level="high"), "eu-gdpr-art34"
    )
    assert art34.outcome == outcome
    if outcome == NOT_REQUIRED:
        assert "Art. 34(3)(a)" in art34.why


def test_one_readable_exposure_keeps_article_34_even_beside_encrypted_ones():
    breach = facts(
        viewing({"DE": 500}, protection="encrypted_key_safe"),
        ExposureFact(
            "contact-details",
            personal=True,
            status="confirmed",
            people_by_jurisdiction={"DE": 20},
            jurisdictions=("DE",),
            people_high=20,
        ),
        level="high",
    )
    assert decision(breach, "eu-gdpr-art34").outcome == REQUIRED


def test_later_measures_that_remove_the_high_risk_excuse_article_34():
    breach = facts(viewing({"GB": 300}), risk=risk("high", measures_remove_high_risk=True))
    uk34 = decision(breach, "gb-uk-gdpr-art34")
    assert uk34.outcome == NOT_REQUIRED and "Art. 34(3)(b)" in uk34.why
    assert decision(breach, "gb-uk-gdpr-art33").outcome == REQUIRED


def test_a_processor_tells_the_controller_and_owes_no_authority_duty_of_its_own():
    breach = facts(viewing({"DE": 900, "GB": 100, "US-CA": 700}), level="high", role="processor")
    assert decision(breach, "eu-gdpr-art33-2").applies
    assert decision(breach, "gb-uk-gdpr-art33-2").applies
    for rule_id in ("eu-gdpr-art33", "eu-gdpr-art34", "gb-uk-gdpr-art33", "us-ca-residents"):
        found = decision(breach, rule_id)
        assert found.outcome == OUT_OF_SCOPE and "we are the processor" in found.why
    controller_duty = decision(breach, "eu-gdpr-art33-2")
    assert controller_duty.deadline is None and controller_duty.clock_started_at == AWARE


def test_a_controller_owes_no_processor_duty():
    assert decision(facts(viewing({"DE": 9})), "eu-gdpr-art33-2").outcome == OUT_OF_SCOPE


@pytest.mark.parametrize(
    ("level", "art33"), [("low", NOT_REQUIRED), ("medium", REQUIRED), ("high", REQUIRED)]
)
def test_ransomware_without_exfiltration_is_a_breach_under_gdpr(level, art33):
    """Availability only: with a backup restored within hours the assessor finds it low
    (EDPB 01/2021 Case 01); without one, higher (Case 02). The people count either way."""
    breach = facts(viewing({"DE": 40, "US-CA": 40}, effects=RANSOMED), level=level)
    found = decision(breach, "eu-gdpr-art33")
    assert found.outcome == art33 and found.people == 40


def test_ransomware_without_exfiltration_is_not_silently_dropped_by_us_state_rules():
    breach = facts(viewing({"US-CA": 4_000}, effects=RANSOMED), level="high")
    residents = decision(breach, "us-ca-residents")
    assert residents.outcome == UNDETERMINED
    assert "not modelled" in residents.gaps[0]


def test_jurisdictions_without_their_split_count_up_to_the_whole_estimate():
    breach = facts(viewing({"DE": None, "FR": None, "GB": None}, high=70_000), level="high")
    art33 = decision(breach, "eu-gdpr-art33")
    assert art33.applies and art33.provisional
    assert art33.people_text == "up to 70,000 (split by jurisdiction unknown)"
    assert "people per jurisdiction for DE, FR" in art33.gaps[0]
    uk34 = decision(breach, "gb-uk-gdpr-art34")
    assert uk34.applies and "up to 70,000" in uk34.why


def test_a_partly_known_split_bounds_the_unknown_places_by_what_is_left():
    breach = facts(viewing({"DE": 60_000, "US-CA": None}, high=70_000))
    residents = decision(breach, "us-ca-residents")
    assert residents.applies and residents.people_text.startswith("up to 10,000")
    attorney_general = decision(breach, "us-ca-attorney-general")
    assert attorney_general.applies and attorney_general.provisional  # up to 10,000 > 500


def test_an_unknown_split_below_a_threshold_rules_it_out_with_the_bound():
    breach = facts(viewing({"US-TX": None}, high=200))
    attorney_general = decision(breach, "us-tx-attorney-general")
    assert attorney_general.outcome == OUT_OF_SCOPE
    assert "up to 200" in attorney_general.why and "starts at 250" in attorney_general.why


def test_no_estimate_at_all_is_a_named_gap_not_zero():
    breach = facts(viewing({"US-CA": None}))
    residents = decision(breach, "us-ca-residents")
    assert residents.applies and residents.provisional
    assert "number not estimated" in residents.people_text


def test_missing_places_roles_and_rules_are_named_for_the_record():
    breach = facts(
        ExposureFact("contact-details", personal=True, status="confirmed", people_high=50),
        viewing({"BR": 300, "DE": 20}),
        role=None,
    )
    gaps = record_gaps(all_rules(), breach)
    assert any("controller or processor" in g for g in gaps)
    assert any("“contact-details” live is not recorded" in g for g in gaps)
    assert any("no notification rules for Brazil (BR)" in g for g in gaps)
    assert not any("(DE)" in g for g in gaps)


@pytest.mark.parametrize("level", LEVELS)
def test_non_personal_data_owes_nothing_at_any_risk(level):
    breach = facts(
        ExposureFact(
            "internal-architecture",
            personal=False,
            status="confirmed",
            jurisdictions=("DE",),
            people_high=10,
        ),
        level=level,
    )
    assert not any(d.applies for d in (decision(breach, r.id) for r in all_rules()))
