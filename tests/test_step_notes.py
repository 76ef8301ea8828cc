"""Notes on checklist scenario_steps: who may write them, what they tell, what is refused."""

import pytest

from incidents.models import ChecklistItem, Event, Notification, StepNote
from incidents.services import ServiceError
from incidents.services.checklists import add_step_note
from incidents.services.free_text import LooksSecret
from tests.conftest import client_for

SECRET = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"


def _note(user, item: ChecklistItem, body: str, **extra):
    url = f"/incidents/{item.incident.reference}/checklist/{item.pk}/note/"
    return client_for(user).post(url, {"body": body, **extra}, HTTP_HX_REQUEST="true")


def test_a_note_shows_under_its_step_is_logged_and_tells_whom_it_mentions(cast, scenario_steps):
    step = scenario_steps["segment-network"]
    response = _note(cast.responder, step, "Firewall change waits on **NetOps**, @casey")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Firewall change waits on <strong>NetOps</strong>" in html  # Markdown, not raw
    assert StepNote.objects.get().step == step
    event = Event.objects.filter(verb="checklist.step_noted").get()
    assert event.after["step"] == step.title and event.actor_id == cast.responder.pk
    told = Notification.objects.get(user=cast.comms)
    assert told.path.endswith(f"#item-{step.pk}")


def test_an_unknown_mention_is_said_to_the_author(cast, scenario_steps):
    html = _note(
        cast.responder, scenario_steps["segment-network"], "ping @nobody-here"
    ).content.decode()
    assert "Not notified: @nobody-here" in html


def test_the_communications_lead_notes_her_own_step_and_no_other(cast, scenario_steps):
    assert (
        _note(cast.comms, scenario_steps["tell-partners"], "Drafts with legal").status_code == 200
    )
    before = Event.objects.count()
    assert _note(cast.comms, scenario_steps["segment-network"], "Not mine").status_code == 403
    assert Event.objects.count() == before and StepNote.objects.count() == 1


def test_the_auditor_notes_only_the_audit_step(cast, scenario_steps):
    assert _note(cast.auditor, scenario_steps["export-audit"], "Chain verified").status_code == 200
    assert _note(cast.auditor, scenario_steps["segment-network"], "No").status_code == 403


def test_a_secret_in_a_note_is_refused_keeping_the_draft_until_the_author_chooses(
    cast, scenario_steps
):
    step = scenario_steps["segment-network"]
    refused = _note(cast.responder, step, f"old key {SECRET}")
    assert refused.status_code == 422 and StepNote.objects.count() == 0
    html = refused.content.decode()
    assert "looks like a live secret" in html and SECRET in html  # kept in the form only
    assert 'name="secrets" value="fingerprint"' in html
    kept = _note(cast.responder, step, f"old key {SECRET}", secrets="fingerprint")
    assert kept.status_code == 200
    assert SECRET not in StepNote.objects.get().body


def test_empty_and_overlong_notes_are_refused_and_nothing_is_written(cast, scenario_steps):
    step = scenario_steps["segment-network"]
    with pytest.raises(ServiceError, match="cannot be empty"):
        add_step_note(item=step, body="   ", by=cast.responder)
    with pytest.raises(ServiceError, match="at most 5,000"):
        add_step_note(item=step, body="x" * 5_001, by=cast.responder)
    with pytest.raises(LooksSecret):
        add_step_note(item=step, body=SECRET, by=cast.responder)
    assert StepNote.objects.count() == 0
    assert not Event.objects.filter(verb="checklist.step_noted").exists()
