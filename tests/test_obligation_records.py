"""Notification duties as records: recomputed and logged when the facts change, met by a
sent notice or a filing, waived with a reason, reminded at 24 h / 6 h / the deadline."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from incidents.models import (
    Event,
    Notice,
    Notification,
    Obligation,
    ObligationState,
    Partner,
)
from incidents.regulation.rules import rule_by_id
from incidents.services import ServiceError, obligation_watch, obligations
from incidents.services.incident_fields import update_field
from tests.factories import assess_high_risk, expose_people, make_incident, set_aware

ART33 = "eu-gdpr-art33"
CA_RESIDENTS = "us-ca-residents"
CA_AG = "us-ca-attorney-general"


def _aware(incident, cast, when: datetime) -> None:
    set_aware(incident, by=cast.commander, when=when)


def _expose(incident, cast, per_place: dict[str, int], version: int | None = None) -> None:
    expose_people(incident, by=cast.commander, per_place=per_place, version=version)


def _duty(incident, rule_id: str) -> Obligation:
    return Obligation.objects.get(incident=incident, rule_id=rule_id)


def _verbs(incident) -> list[str]:
    return list(
        Event.objects.filter(incident=incident, verb__startswith="obligation.")
        .order_by("seq")
        .values_list("verb", flat=True)
    )


@pytest.fixture
def aware_at():
    return timezone.now() - timedelta(hours=2)


@pytest.fixture
def breach(cast, incident, aware_at):
    """600 Californians and 900 Germans, aware two hours ago."""
    _aware(incident, cast, aware_at)
    _expose(incident, cast, {"US-CA": 600, "DE": 900})
    return incident


def test_recording_exposures_creates_duties_and_logs_each(breach, aware_at):
    rules = set(Obligation.objects.filter(incident=breach).values_list("rule_id", flat=True))
    assert rules == {ART33, CA_RESIDENTS, CA_AG}
    assert _duty(breach, ART33).deadline == aware_at + timedelta(hours=72)
    assert _duty(breach, CA_AG).deadline is None  # counts from notifying the residents
    assert _verbs(breach) == ["obligation.applies"] * 3
    event = Event.objects.get(incident=breach, after__rule=ART33)
    assert (
        "900 people affected in EEA (threshold 1): viewing-history confirmed (900)"
        in event.after["why"]
    )


def test_fewer_people_lapse_a_duty_and_a_new_awareness_time_moves_deadlines(cast, breach):
    _expose(breach, cast, {"US-CA": 400, "DE": 900}, version=1)
    assert _duty(breach, CA_AG).state == ObligationState.LAPSED
    assert "the rule starts at 501" in _duty(breach, CA_AG).why
    assert _verbs(breach)[-2:] == ["obligation.changed", "obligation.lapsed"]  # CA count
    earlier = timezone.now() - timedelta(hours=30)
    _aware(breach, cast, earlier)
    assert _duty(breach, ART33).deadline == earlier + timedelta(hours=72)
    changed = Event.objects.filter(incident=breach, verb="obligation.changed").last()
    assert changed.after["rule"] in (ART33, CA_RESIDENTS)
    # More people again: the lapsed duty applies again, not a second record.
    _expose(breach, cast, {"US-CA": 700, "DE": 900}, version=2)
    assert _duty(breach, CA_AG).state == ObligationState.OPEN
    assert Obligation.objects.filter(incident=breach, rule_id=CA_AG).count() == 1


def test_a_high_risk_assessment_brings_in_art_34(cast, breach):
    assert not Obligation.objects.filter(incident=breach, rule_id="eu-gdpr-art34").exists()
    assess_high_risk(breach, by=cast.commander)
    assert _duty(breach, "eu-gdpr-art34").state == ObligationState.OPEN


def test_a_filing_meets_a_duty_and_a_late_one_needs_the_reasons(cast, incident):
    _aware(incident, cast, timezone.now() - timedelta(hours=100))
    _expose(incident, cast, {"DE": 10})
    duty = _duty(incident, ART33)
    filed = timezone.now() - timedelta(hours=1)  # 99 h after becoming aware: late
    with pytest.raises(ServiceError, match=r"reasons for the delay \(reasons for the delay"):
        obligations.meet(obligation=duty, by=cast.comms, filed_at=filed, reference="BfDI-7")
    assert _duty(incident, ART33).state == ObligationState.OPEN
    with pytest.raises(ServiceError, match="reference number"):
        obligations.meet(obligation=duty, by=cast.comms, filed_at=filed, late_reason="x")
    with pytest.raises(ServiceError, match="in the future"):
        obligations.meet(
            obligation=duty,
            by=cast.comms,
            filed_at=timezone.now() + timedelta(days=1),
            reference="BfDI-7",
        )
    met = obligations.meet(
        obligation=duty,
        by=cast.comms,
        filed_at=filed,
        reference="BfDI-7",
        late_reason="scope unknown until the log review finished",
    )
    assert met.state == ObligationState.MET and met.late and met.met_at == filed
    event = Event.objects.get(incident=incident, verb="obligation.met")
    assert event.after["how"] == "filing BfDI-7" and event.actor_id == cast.comms.pk
    with pytest.raises(ServiceError, match="already met"):
        obligations.waive(obligation=duty, by=cast.comms, reason="changed our mind")


def test_only_a_sent_notice_of_this_incident_meets_a_duty(cast, breach):
    partner = Partner.objects.create(name="California residents", audience="customers")
    draft = Notice.objects.create(
        incident=breach, partner=partner, subject="s", body="b", last_editor=cast.comms
    )
    duty = _duty(breach, CA_RESIDENTS)
    with pytest.raises(ServiceError, match="Only a notice sent on this incident"):
        obligations.meet(obligation=duty, by=cast.comms, notice=draft)
    other = make_incident(by=cast.commander, title="Another")
    elsewhere = Notice.objects.create(
        incident=other, partner=partner, subject="s", body="b", state="sent", sent_at=timezone.now()
    )
    with pytest.raises(ServiceError, match="Only a notice sent on this incident"):
        obligations.meet(obligation=duty, by=cast.comms, notice=elsewhere)
    sent_at = timezone.now() - timedelta(minutes=5)
    Notice.objects.filter(pk=draft.pk).update(state="sent", sent_at=sent_at)
    draft.refresh_from_db()
    obligations.meet(obligation=duty, by=cast.comms, notice=draft)
    assert _duty(breach, CA_RESIDENTS).met_notice_id == draft.pk
    # Telling the residents starts the Attorney General's 15 days, in California's zone.
    la = zoneinfo.ZoneInfo("America/Los_Angeles")
    expected = (sent_at.astimezone(la) + timedelta(days=15)).astimezone(zoneinfo.ZoneInfo("UTC"))
    assert _duty(breach, CA_AG).deadline == expected


def test_waiving_needs_a_documented_reason(cast, breach):
    duty = _duty(breach, ART33)
    with pytest.raises(ServiceError, match="documented reason"):
        obligations.waive(obligation=duty, by=cast.commander, reason="   ")
    obligations.waive(obligation=duty, by=cast.commander, reason="hashed IDs only, no risk")
    assert _duty(breach, ART33).state == ObligationState.WAIVED
    # A waived duty is history: fewer people later does not lapse it.
    _expose(breach, cast, {"US-CA": 600}, version=1)
    assert _duty(breach, ART33).state == ObligationState.WAIVED


def test_reminders_fire_once_per_stage_to_the_commander(cast, incident):
    update_field(incident=incident, field="commander", value=cast.commander, was="", by=cast.admin)
    _aware(incident, cast, timezone.now() - timedelta(hours=1))
    _expose(incident, cast, {"DE": 10})
    deadline = _duty(incident, ART33).deadline
    assert obligation_watch.remind(now=deadline - timedelta(hours=30)) == 0
    assert obligation_watch.remind(now=deadline - timedelta(hours=23)) == 1
    assert obligation_watch.remind(now=deadline - timedelta(hours=22)) == 0  # once
    assert obligation_watch.remind(now=deadline - timedelta(hours=5)) == 1
    assert obligation_watch.remind(now=deadline + timedelta(minutes=1)) == 1
    assert obligation_watch.remind(now=deadline + timedelta(hours=2)) == 0
    events = Event.objects.filter(
        incident=incident, verb__in=["obligation.reminder", "obligation.overdue"]
    )
    assert [(e.verb, e.after["hours_before"]) for e in events.order_by("seq")] == [
        ("obligation.reminder", 24),
        ("obligation.reminder", 6),
        ("obligation.overdue", 0),
    ]
    texts = list(
        Notification.objects.filter(user=cast.commander, text__contains="Art. 33").values_list(
            "text", flat=True
        )
    )
    assert len(texts) == 3 and any("past its deadline" in t for t in texts)
    # Besides: being made commander (by the admin) was a notification of its own.
    assert Notification.objects.filter(user=cast.commander, text__contains="made you").count() == 1


def test_a_duty_found_past_due_gets_one_overdue_reminder_not_three(cast, incident):
    _aware(incident, cast, timezone.now() - timedelta(hours=80))
    _expose(incident, cast, {"DE": 10})
    assert obligation_watch.remind() == 1
    assert obligation_watch.remind() == 0
    assert _verbs(incident)[-1] == "obligation.overdue"


def test_a_moved_deadline_earns_new_reminders_and_met_duties_get_none(cast, incident):
    _aware(incident, cast, timezone.now() - timedelta(hours=80))
    _expose(incident, cast, {"DE": 10})
    obligation_watch.remind()
    _aware(incident, cast, timezone.now() - timedelta(hours=1))  # corrected awareness time
    duty = _duty(incident, ART33)
    assert duty.breached_at is None and duty.warned_24h_at is None
    obligations.meet(
        obligation=duty, by=cast.commander, filed_at=timezone.now(), reference="BfDI-8"
    )
    assert obligation_watch.remind(now=duty.deadline + timedelta(hours=1)) == 0


def test_art_34_is_waived_only_with_an_exception_it_provides(cast, breach):
    assess_high_risk(breach, by=cast.commander)
    duty = _duty(breach, "eu-gdpr-art34")
    with pytest.raises(ServiceError, match="not one this rule provides"):
        obligations.waive(
            obligation=duty, by=cast.commander, reason="x", exception="we'd rather not"
        )
    exception = next(
        e for e in rule_by_id("eu-gdpr-art34").exceptions if e.startswith("later measures")
    )
    waived = obligations.waive(
        obligation=duty, by=cast.commander, reason="all keys revoked in 2 h", exception=exception
    )
    assert waived.waiver_reason.startswith("Exception: later measures ensure")
    assert waived.waiver_reason.endswith("all keys revoked in 2 h")
