"""Notification rules as data: table-driven cases, time zones, and rule-file validation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incidents.regulation.engine import (
    NOT_REQUIRED,
    OUT_OF_SCOPE,
    UNDETERMINED,
    Decision,
    evaluate,
)
from incidents.regulation.facts_model import BreachFacts, ExposureFact, RiskFact
from incidents.regulation.rules import RuleError, all_rules, load_file

UTC = dt.UTC
AWARE = dt.datetime(2026, 11, 20, 6, 42, tzinfo=UTC)
ASSESSED = AWARE + dt.timedelta(hours=5)


def risk(level: str | None, **kwargs) -> RiskFact | None:
    if level is None:
        return None
    high = level in ("high", "very_high")
    return RiskFact(
        level, assessed_at=ASSESSED, high_risk_since=ASSESSED if high else None, **kwargs
    )


def facts(*exposures: ExposureFact, level: str | None = None, **kwargs) -> BreachFacts:
    kwargs.setdefault("risk", risk(level))
    kwargs.setdefault("aware_at", AWARE)
    return BreachFacts(exposures=exposures, **kwargs)


def applying(breach: BreachFacts) -> dict[str, dt.datetime | None]:
    return {d.rule.id: d.deadline for d in evaluate(all_rules(), breach) if d.applies}


def decision(breach: BreachFacts, rule_id: str) -> Decision:
    [found] = [d for d in evaluate(all_rules(), breach) if d.rule.id == rule_id]
    return found


def viewing(
    people: dict[str, int | None],
    *,
    protection: str = "none",
    status: str = "suspected",
    high: int | None = None,
    effects: frozenset[str] = frozenset({"confidentiality"}),
) -> ExposureFact:
    known = {code: n for code, n in people.items() if n is not None}
    return ExposureFact(
        "viewing-history",
        personal=True,
        status=status,
        people_by_jurisdiction=known,
        jurisdictions=tuple(people),
        people_high=high if high is not None else (sum(known.values()) or None),
        protection=protection,
        effects=effects,
    )


def test_every_shipped_rule_file_loads_and_names_its_check_date():
    rules = all_rules()
    assert len(rules) >= 12 and all(rule.checked for rule in rules)
    assert {r.jurisdiction for r in rules} >= {
        "EU",
        "GB",
        "US-CA",
        "US-TX",
        "US-CO",
        "US-FL",
        "US-NY",
        "US-WA",
    }


def test_the_scenario():
    breach = facts(
        viewing(
            {
                "DE": 300_000,
                "FR": 100_000,
                "GB": 50_000,
                "US-CA": 20_000,
                "US-TX": 8_000,
                "US-NY": 5_000,
            }
        ),
        ExposureFact("internal-architecture", personal=False, status="confirmed"),
        ExposureFact(
            "financial-payment", personal=True, status="ruled_out", people_by_jurisdiction={"DE": 9}
        ),
        level="high",
    )
    due = applying(breach)
    assert due["eu-gdpr-art33"] == AWARE + dt.timedelta(hours=72)
    assert due["gb-uk-gdpr-art33"] == AWARE + dt.timedelta(hours=72)
    # Art. 34: without undue delay from the assessment that found high risk, no fixed date
    assert due["eu-gdpr-art34"] is None and due["gb-uk-gdpr-art34"] is None
    assert decision(breach, "eu-gdpr-art34").clock_started_at == ASSESSED
    assert due["us-ca-residents"] == dt.datetime(2026, 12, 20, 6, 42, tzinfo=UTC)  # PST both ends
    assert due["us-ca-attorney-general"] is None  # counts from notifying residents: not yet
    assert due["us-tx-residents"] == dt.datetime(2027, 1, 19, 6, 42, tzinfo=UTC)
    assert due["us-tx-attorney-general"] == dt.datetime(2026, 12, 20, 6, 42, tzinfo=UTC)
    assert due["us-ny-residents"] == dt.datetime(2026, 12, 20, 6, 42, tzinfo=UTC)
    assert (
        "us-co-residents" not in due
        and "us-wa-residents" not in due
        and "us-fl-legal-affairs" not in due
    )


def test_an_encrypted_laptop_assessed_low_owes_nothing_and_says_why():
    breach = facts(
        viewing({"DE": 10, "US-CA": 900, "US-TX": 900}, protection="encrypted_key_safe"),
        level="low",
    )
    assert applying(breach) == {}
    art33 = decision(breach, "eu-gdpr-art33")
    assert art33.outcome == NOT_REQUIRED
    assert "unlikely to result in a risk" in art33.why
    assert decision(breach, "us-ca-residents").outcome == OUT_OF_SCOPE
    assert "unintelligible data is exempt" in decision(breach, "us-ca-residents").why


@pytest.mark.parametrize(
    ("people", "attorney_general"), [(400, False), (500, False), (501, True), (600, True)]
)
def test_californians_above_500_bring_in_the_attorney_general(people, attorney_general):
    due = applying(facts(viewing({"US-CA": people})))
    assert "us-ca-residents" in due
    assert ("us-ca-attorney-general" in due) is attorney_general


@pytest.mark.parametrize(("people", "attorney_general"), [(249, False), (250, True)])
def test_texans_from_250_bring_in_the_attorney_general(people, attorney_general):
    due = applying(facts(viewing({"US-TX": people})))
    assert ("us-tx-attorney-general" in due) is attorney_general


def test_an_internal_data_only_leak_owes_nothing_and_says_why():
    breach = facts(ExposureFact("internal-architecture", personal=False, status="confirmed"))
    decisions = evaluate(all_rules(), breach)
    assert not any(d.applies for d in decisions)
    assert all(d.outcome == OUT_OF_SCOPE for d in decisions)
    assert any("no people affected" in d.why for d in decisions)


def test_a_missing_awareness_time_is_said_not_hidden():
    art33 = decision(facts(viewing({"FR": 5}), aware_at=None), "eu-gdpr-art33")
    assert art33.applies and art33.deadline is None and "not recorded" in art33.why
    assert "the time the team became aware" in art33.gaps


def test_article_34_cannot_be_decided_without_a_risk_assessment_and_says_so():
    art34 = decision(facts(viewing({"FR": 5})), "eu-gdpr-art34")
    assert art34.outcome == UNDETERMINED
    assert art34.gaps == ("a risk assessment: it decides this duty",)


def test_day_clocks_keep_local_time_across_daylight_saving():
    aware = dt.datetime(2026, 3, 1, 18, 0, tzinfo=UTC)  # 10:00 PST
    due = applying(facts(viewing({"US-CA": 10}), aware_at=aware))
    assert due["us-ca-residents"] == dt.datetime(2026, 3, 31, 17, 0, tzinfo=UTC)  # 10:00 PDT
    eu = applying(facts(viewing({"DE": 1}), aware_at=dt.datetime(2026, 3, 28, 12, 0, tzinfo=UTC)))
    assert eu["eu-gdpr-art33"] == dt.datetime(
        2026, 3, 31, 12, 0, tzinfo=UTC
    )  # hours are elapsed time


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("id: x\nnotify: regulator\n", 1, "missing required key"),
        (
            "id: x\njurisdiction: EU\napplies_to: [EU]\nname: n\nnotify: regulator\nsource: s\nchecked: 2026-01-01\n"
            "timezone: UTC\ntrigger: {}\nclock: {hours: 72}\n",
            5,
            "notify must be one of",
        ),
        (
            "id: x\njurisdiction: EU\napplies_to: [EU]\nname: n\nnotify: authority\nsource: s\nchecked: 2026-01-01\n"
            "timezone: UTC\ntrigger:\n  min_people: lots\nclock: {hours: 72}\n",
            10,
            "trigger.min_people should be int",
        ),
        (
            "id: x\njurisdiction: EU\napplies_to: [EU]\nname: n\nnotify: authority\nsource: s\nchecked: 2026-01-01\n"
            "timezone: Mars/Olympus\ntrigger: {}\nclock: {hours: 72}\n",
            8,
            "unknown time zone",
        ),
        (
            "id: x\njurisdiction: US-XX\napplies_to: [US-XX]\nname: n\nnotify: authority\nsource: s\n"
            "checked: 2026-01-01\ntimezone: UTC\ntrigger: {}\nclock: {hours: 72}\n",
            2,
            "unknown jurisdiction code(s) in jurisdiction: US-XX",
        ),
        ("id: x\n  bad: [indent\n", 2, "not valid YAML"),
    ],
)
def test_a_rule_file_with_a_schema_error_names_file_line_and_reason(
    tmp_path: Path, text, line, reason
):
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    with pytest.raises(RuleError) as error:
        load_file(path)
    assert error.value.line == line and reason in error.value.reason
    assert str(error.value).startswith(f"broken.yaml:{line}:")


codes = st.sampled_from(
    ["DE", "FR", "GB", "US-CA", "US-TX", "US-CO", "US-FL", "US-NY", "US-WA", "JP"]
)
exposures = st.builds(
    ExposureFact,
    category=st.sampled_from(["a", "b"]),
    personal=st.booleans(),
    status=st.sampled_from(["confirmed", "suspected", "ruled_out"]),
    people_by_jurisdiction=st.dictionaries(codes, st.integers(0, 5_000), max_size=4),
    jurisdictions=st.lists(codes, max_size=3).map(tuple),
    people_high=st.one_of(st.none(), st.integers(0, 50_000)),
    protection=st.sampled_from(["none", "unknown", "encrypted_key_safe", "hashed_salted"]),
    effects=st.sets(
        st.sampled_from(["confidentiality", "availability", "integrity"]), min_size=1
    ).map(frozenset),
)
moments = st.datetimes(
    min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 1, 1), timezones=st.just(UTC)
)
risks = st.sampled_from([None, "low", "medium", "high", "very_high"]).map(risk)


@given(aware=moments, found=st.lists(exposures, max_size=5), level=risks)
def test_deadlines_never_precede_becoming_aware(aware, found, level):
    for found_decision in evaluate(all_rules(), BreachFacts(aware, tuple(found), level)):
        assert found_decision.deadline is None or found_decision.deadline > aware


@given(aware=moments, found=st.lists(exposures, max_size=4), extra=exposures, level=risks)
def test_adding_an_exposure_never_removes_an_obligation(aware, found, extra, level):
    before = set(applying(BreachFacts(aware, tuple(found), level)))
    after = set(applying(BreachFacts(aware, (*found, extra), level)))
    assert before <= after


@given(found=st.lists(exposures, min_size=1, max_size=4), level=risks)
def test_people_in_a_chosen_jurisdiction_never_count_as_zero(found, level):
    """A personal exposure with people somewhere a rule covers never yields "no people"."""
    for found_decision in evaluate(all_rules(), BreachFacts(AWARE, tuple(found), level)):
        if "no people affected" in found_decision.why:
            rule = found_decision.rule
            assert not any(
                e.personal
                and e.status != "ruled_out"
                and set(e.effects) & set(rule.effects)
                and not (rule.encryption_exempt and e.unintelligible)
                and any(rule.covers(code) for code in e.places)
                for e in found
            )


def test_manage_py_check_fails_on_a_broken_rule_file(tmp_path, monkeypatch):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from incidents.regulation import rules

    (tmp_path / "bad.yaml").write_text("id: x\nnotify: nobody\n")
    monkeypatch.setattr(rules, "RULES_DIR", tmp_path)
    rules.all_rules.cache_clear()
    try:
        with pytest.raises(SystemCheckError, match=r"bad.yaml, line 1: missing required key"):
            call_command("check")
    finally:
        rules.all_rules.cache_clear()


def test_the_attorney_general_clock_starts_when_the_residents_were_told():
    told = dt.datetime(2026, 10, 30, 16, 0, tzinfo=UTC)  # 09:00 PDT; PST from 1 November
    breach = facts(viewing({"US-CA": 600}), individuals_notified={"US-CA": told})
    due = applying(breach)
    assert due["us-ca-attorney-general"] == dt.datetime(2026, 11, 14, 17, 0, tzinfo=UTC)
    elsewhere = facts(viewing({"US-CA": 600}), individuals_notified={"US-TX": told})
    assert applying(elsewhere)["us-ca-attorney-general"] is None
