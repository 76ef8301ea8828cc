"""Who may move a checklist step (access.may_move_step): its role, its assignee, the
incident's commander; and who may edit notice templates (communications and admins)."""

import re

from incidents.models import ChecklistItem, Event, NoticeTemplate, Playbook, PlaybookItem
from incidents.roles import COMMUNICATIONS, RESPONDER, RoleSet
from incidents.seed import seed_playbooks
from incidents.selectors.mitigation import checklist_context
from incidents.services.checklists import apply_playbook, assign_item, set_item_state
from incidents.services.incident_fields import update_field
from tests.conftest import client_for


def _move(user, item: ChecklistItem, state: str = "in_progress"):
    url = f"/incidents/{item.incident.reference}/checklist/{item.pk}/state/"
    return client_for(user).post(url, {"state": state}, HTTP_HX_REQUEST="true")


def _moved(item: ChecklistItem, state: str = "in_progress") -> bool:
    return ChecklistItem.objects.get(pk=item.pk).state == state


def test_the_communications_lead_ticks_her_own_step_and_no_other(cast, scenario_steps):
    set_item_state(
        item=scenario_steps["open-and-assess"], state="done", by=cast.commander
    )  # before it
    response = _move(cast.comms, scenario_steps["tell-partners"], "done")
    assert response.status_code == 200 and _moved(scenario_steps["tell-partners"], "done")
    event = (
        scenario_steps["tell-partners"].incident.events.filter(verb="checklist.item_changed").last()
    )
    assert event is not None and event.actor_id == cast.comms.pk
    before = Event.objects.count()
    refused = _move(cast.comms, scenario_steps["segment-network"])
    assert refused.status_code == 403 and not _moved(scenario_steps["segment-network"])
    assert Event.objects.count() == before


def test_the_auditor_completes_the_audit_step_and_writes_nothing_else(cast, scenario_steps):
    assert _move(cast.auditor, scenario_steps["export-audit"], "done").status_code == 200
    assert _moved(scenario_steps["export-audit"], "done")
    before = Event.objects.count()
    assert _move(cast.auditor, scenario_steps["segment-network"]).status_code == 403
    url = f"/incidents/{scenario_steps['export-audit'].incident.reference}/checklist/"
    assign = client_for(cast.auditor).post(
        f"{url}{scenario_steps['segment-network'].pk}/assign/", {}
    )
    assert assign.status_code == 403
    assert Event.objects.count() == before


def test_a_responder_cannot_tick_the_commanders_decision(cast, scenario_steps):
    before = Event.objects.count()
    response = _move(cast.responder, scenario_steps["assess-risk"], "done")
    assert response.status_code == 403 and "may not move" in response.content.decode()
    assert not _moved(scenario_steps["assess-risk"], "done") and Event.objects.count() == before
    assert _move(cast.commander, scenario_steps["assess-risk"]).status_code == 200  # the role
    assert _move(cast.admin, scenario_steps["tell-partners"]).status_code == 200  # an overseer


def test_a_responder_cannot_assign_herself_round_the_steps_role(cast, scenario_steps, incident):
    url = f"/incidents/{incident.reference}/checklist/{scenario_steps['assess-risk'].pk}/assign/"
    response = client_for(cast.responder).post(url, {"assignee": cast.responder.username})
    assert response.status_code == 403
    assert ChecklistItem.objects.get(pk=scenario_steps["assess-risk"].pk).assignee is None


def test_the_assignee_and_the_incidents_commander_move_it_without_the_role(
    cast, scenario_steps, incident
):
    assign_item(item=scenario_steps["assess-risk"], assignee=cast.responder, by=cast.commander)
    assert _move(cast.responder, scenario_steps["assess-risk"]).status_code == 200
    update_field(
        incident=incident, field="commander", value=cast.outsider, was="", by=cast.commander
    )
    assert _move(cast.outsider, scenario_steps["tell-partners"]).status_code == 200
    assert _moved(scenario_steps["tell-partners"])


def test_the_shared_rendering_offers_each_role_its_steps_and_leaves_people_to_the_page(
    cast, scenario_steps, incident
):
    """Drawn for a role set (no person): the communications role gets the control on its
    step only; a step's assignee is named in data-movers for the page to show theirs."""
    from django.template.loader import render_to_string

    assign_item(item=scenario_steps["segment-network"], assignee=cast.comms, by=cast.commander)
    html = render_to_string(
        "incidents/incident_detail.html#checklist",
        checklist_context(incident, RoleSet(frozenset({COMMUNICATIONS}))),
    )
    controls = _state_controls(html)
    assert {pk for pk, how in controls.items() if how == "shown"} == {
        scenario_steps["tell-partners"].pk
    }
    assert str(cast.comms.pk) in controls[scenario_steps["segment-network"].pk]
    assert "Communications ·" in html and "communications ·" not in html  # the label


def _state_controls(html: str) -> dict[int, object]:
    """Each step's state control: "shown", the people a hidden one is for, or None."""
    found: dict[int, object] = {}
    for block in html.split('<li id="item-')[1:]:
        pk = int(block.split('"', 1)[0])
        hidden = re.search(r'<div hidden data-movers="([^"]*)">\s*<form[^>]*/state/"', block)
        if hidden:
            found[pk] = hidden.group(1).split()
        else:
            found[pk] = "shown" if "/state/" in block else None
    return found


def test_a_responder_is_shown_no_control_on_the_commanders_step(cast, scenario_steps, incident):
    context = checklist_context(incident, RoleSet(frozenset({RESPONDER})))
    movable = {item.key for item in context["checklist_items"] if item.movable}
    assert "assess-risk" not in movable and "open-and-assess" not in movable
    assert {"segment-network", "rate-limit"} <= movable


def test_notice_templates_are_edited_by_communications_and_admins_only(cast, incident):
    template = NoticeTemplate.objects.get(name="Creator update", version=1)
    url = f"/notice-templates/{template.pk}/"
    body = {"subject": "{{ reference }}", "body": "Hello."}
    for role in (cast.responder, cast.commander):
        response = client_for(role).post(url, body)
        assert response.status_code == 403
        page = client_for(role).get(url).content.decode()
        assert "Save as a new version" not in page and "readonly" in page
    assert not NoticeTemplate.objects.filter(name="Creator update", version=3).exists()
    assert client_for(cast.admin).post(url, body).status_code == 302
    assert NoticeTemplate.objects.filter(name="Creator update", version=3).exists()


def test_a_step_is_added_ad_hoc_at_the_end_with_its_role_and_due_time(
    cast, scenario_steps, incident
):
    import datetime as dt

    client = client_for(cast.responder)
    client.cookies["tz"] = "Asia%2FTokyo"
    url = f"/incidents/{incident.reference}/checklist/add/"
    response = client.post(
        url,
        {
            "title": "Tell the hosting provider",
            "role": "communications",
            "due_at": "2026-12-03T09:00",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Tell the hosting provider" in response.content.decode()
    added = incident.checklist.get(title="Tell the hosting provider")
    assert (
        added.position > max(s.position for s in scenario_steps.values())
        and added.role == "communications"
    )
    assert added.due_at == dt.datetime(2026, 12, 3, 0, 0, tzinfo=dt.UTC)
    again = client.post(url, {"title": "Tell the hosting provider"}, HTTP_HX_REQUEST="true")
    assert (
        again.status_code == 200
        and incident.checklist.filter(title="Tell the hosting provider").count() == 2
    )
    event = incident.events.filter(verb="checklist.item_added").first()
    from incidents.presentation.timeline_words import describe

    assert "added the step “Tell the hosting provider” for Communications" in describe(event)
    # The communications lead then ticks it: it is hers.
    assert _move(cast.comms, added).status_code == 200


def test_a_bad_step_is_refused_beside_the_form_and_nothing_written(cast, scenario_steps, incident):
    before = Event.objects.count()
    url = f"/incidents/{incident.reference}/checklist/add/"
    for bad in ({"title": ""}, {"title": "x", "role": "janitor"}):
        response = client_for(cast.responder).post(url, bad, HTTP_HX_REQUEST="true")
        assert response.status_code == 422
    assert client_for(cast.comms).post(url, {"title": "x"}).status_code == 403
    assert Event.objects.count() == before


def test_the_breach_vector_suggests_its_playbook_first(cast):
    from incidents.models import BreachVector
    from incidents.roles import COMMANDER
    from tests.factories import make_incident

    seed_playbooks(Playbook, PlaybookItem)
    incident = make_incident(by=cast.commander, title="Laptop left on a train")
    update_field(
        incident=incident,
        field="breach_vector",
        value=BreachVector.objects.get(slug="lost-device"),
        was="",
        by=cast.commander,
    )
    incident.refresh_from_db()
    offered = checklist_context(incident, RoleSet(frozenset({COMMANDER})))["playbooks"]
    slugs = [p.slug for p in offered]
    assert slugs[0] == "lost-device" and offered[0].suggested_for == "Lost or stolen device"
    assert {"credential-leak", "ransomware", "misdirected-communication"} <= set(slugs)
    assert "exposed-internal-api-endpoint" in slugs and not offered[1].suggested_for
    scenario_steps = apply_playbook(incident=incident, playbook=offered[0], by=cast.commander)
    assert [s.key for s in scenario_steps][:2] == ["open-and-assess", "lock-device"]
