"""Notification rules as data: table-driven cases, time zones, and rule-file validation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incidents.regulation.engine import BreachFacts, ExposureFact, evaluate
from incidents.regulation.rules import RuleError, all_rules, load_file

UTC = dt.UTC
AWARE = dt.datetime(2026, 11, 20, 6, 42, tzinfo=UTC)


def applying(facts: BreachFacts) -> dict[str, dt.datetime | None]:
    return {d.rule.id: d.deadline for d in evaluate(all_rules(), facts) if d.applies}


def viewing(
    people: dict[str, int], *, encrypted: bool = False, status: str = "suspected"
) -> ExposureFact:
    return ExposureFact(
        "viewing-history",
        personal=True,
        status=status,
        people_by_jurisdiction=people,
        encrypted=encrypted,
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
    facts = BreachFacts(
        AWARE,
        (
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
                "financial-payment",
                personal=True,
                status="ruled_out",
                people_by_jurisdiction={"DE": 9},
            ),
        ),
        risk="high",
    )
    due = applying(facts)
    assert due["eu-gdpr-art33"] == AWARE + dt.timedelta(hours=72)
    assert due["gb-uk-gdpr-art33"] == AWARE + dt.timedelta(hours=72)
    assert "eu-gdpr-art34" in due  # high risk
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


def test_an_encrypted_laptop_loss_triggers_gdpr_but_not_the_us_state_rules():
    facts = BreachFacts(
        AWARE, (viewing({"DE": 10, "US-CA": 900, "US-TX": 900}, encrypted=True),), risk="low"
    )
    due = applying(facts)
    assert set(due) == {"eu-gdpr-art33"}  # waivable as 'unlikely to result in a risk'
    [art33] = [d for d in evaluate(all_rules(), facts) if d.rule.id == "eu-gdpr-art33"]
    assert art33.waivable


@pytest.mark.parametrize(
    ("people", "attorney_general"), [(400, False), (500, False), (501, True), (600, True)]
)
def test_californians_above_500_bring_in_the_attorney_general(people, attorney_general):
    due = applying(BreachFacts(AWARE, (viewing({"US-CA": people}),)))
    assert "us-ca-residents" in due
    assert ("us-ca-attorney-general" in due) is attorney_general


@pytest.mark.parametrize(("people", "attorney_general"), [(249, False), (250, True)])
def test_texans_from_250_bring_in_the_attorney_general(people, attorney_general):
    due = applying(BreachFacts(AWARE, (viewing({"US-TX": people}),)))
    assert ("us-tx-attorney-general" in due) is attorney_general


def test_an_internal_data_only_leak_owes_nothing_and_says_why():
    facts = BreachFacts(
        AWARE, (ExposureFact("internal-architecture", personal=False, status="confirmed"),)
    )
    decisions = evaluate(all_rules(), facts)
    assert not any(d.applies for d in decisions)
    assert all("0 people affected" in d.why for d in decisions)


def test_a_missing_awareness_time_is_said_not_hidden():
    [art33] = [
        d
        for d in evaluate(all_rules(), BreachFacts(None, (viewing({"FR": 5}),)))
        if d.rule.id == "eu-gdpr-art33"
    ]
    assert art33.applies and art33.deadline is None and "not recorded" in art33.why


def test_article_34_waits_for_a_risk_assessment():
    [art34] = [
        d
        for d in evaluate(all_rules(), BreachFacts(AWARE, (viewing({"FR": 5}),)))
        if d.rule.id == "eu-gdpr-art34"
    ]
    assert not art34.applies and "no risk assessment" in art34.why


def test_day_clocks_keep_local_time_across_daylight_saving():
    aware = dt.datetime(2026, 3, 1, 18, 0, tzinfo=UTC)  # 10:00 PST
    due = applying(BreachFacts(aware, (viewing({"US-CA": 10}),)))
    assert due["us-ca-residents"] == dt.datetime(2026, 3, 31, 17, 0, tzinfo=UTC)  # 10:00 PDT
    eu = applying(BreachFacts(dt.datetime(2026, 3, 28, 12, 0, tzinfo=UTC), (viewing({"DE": 1}),)))
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
    encrypted=st.booleans(),
)
moments = st.datetimes(
    min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 1, 1), timezones=st.just(UTC)
)
risks = st.sampled_from([None, "low", "medium", "high", "very_high"])


@given(aware=moments, found=st.lists(exposures, max_size=5), risk=risks)
def test_deadlines_never_precede_becoming_aware(aware, found, risk):
    for decision in evaluate(all_rules(), BreachFacts(aware, tuple(found), risk)):
        assert decision.deadline is None or decision.deadline > aware


@given(aware=moments, found=st.lists(exposures, max_size=4), extra=exposures, risk=risks)
def test_adding_an_exposure_never_removes_an_obligation(aware, found, extra, risk):
    before = set(applying(BreachFacts(aware, tuple(found), risk)))
    after = set(applying(BreachFacts(aware, (*found, extra), risk)))
    assert before <= after


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
    facts = BreachFacts(AWARE, (viewing({"US-CA": 600}),), individuals_notified={"US-CA": told})
    due = applying(facts)
    assert due["us-ca-attorney-general"] == dt.datetime(2026, 11, 14, 17, 0, tzinfo=UTC)
    elsewhere = BreachFacts(AWARE, (viewing({"US-CA": 600}),), individuals_notified={"US-TX": told})
    assert applying(elsewhere)["us-ca-attorney-general"] is None
