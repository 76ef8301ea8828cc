"""Rotation progress and worker-run checks, live in two browsers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from incidents.models import Credential, Playbook, PlaybookItem
from incidents.seed import seed_playbooks
from incidents.services.checklists import apply_playbook, set_item_state
from incidents.services.credentials import add_credential
from incidents.services.rotations import start_campaign
from tests.e2e.conftest import show_timeline
from tests.factories import make_incident
from tests.scenario_server import scenario_endpoint

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _live(signed_in_page, user, incident):
    page = signed_in_page(user, f"/incidents/{incident.reference}/")
    expect(page.locator("#live-state")).to_have_text("Live", timeout=10_000)
    # The rotation table loads from its own address when scrolled into view.
    page.locator("#rotations").scroll_into_view_if_needed()
    expect(page.locator("#rotations[hx-get]")).to_have_count(0)
    return page


def test_the_rotation_progress_bar_moves_on_every_screen(cast, signed_in_page):
    incident = make_incident(by=cast.commander, title="Rotate all the keys")
    for n in range(4):
        add_credential(
            name=f"key {n}", kind="api_key", system="content-api", identifier=f"…{n:04d}"
        )
    start_campaign(incident=incident, credentials=Credential.objects.all(), by=cast.commander)
    page_a = _live(signed_in_page, cast.commander, incident)
    page_b = _live(signed_in_page, cast.responder, incident)
    expect(page_b.locator("#rotations .progress-text")).to_contain_text("0 verified of 4 (0%)")
    for n in (0, 1):
        page_a.get_by_label(f"Select key {n}").check()
    page_a.select_option("#bulk-to", "exempted")
    page_a.fill("#bulk-reason", "key decommissioned last year")
    page_a.get_by_role("button", name="Move selected").click()
    expect(page_b.locator("#rotations .progress-text")).to_contain_text(
        "2 exempted of 4 (50%)", timeout=3_000
    )
    expect(page_b.locator("#rotation-progress")).to_have_attribute("value", "2")


def test_a_worker_runs_the_patch_check_and_both_pages_see_it(cast, signed_in_page):
    incident = make_incident(by=cast.commander, title="Patch the endpoint")
    seed_playbooks(Playbook, PlaybookItem)
    apply_playbook(
        incident=incident,
        playbook=Playbook.objects.get(slug="exposed-internal-api-endpoint"),
        by=cast.commander,
    )
    for key in ("open-and-assess", "rate-limit"):
        set_item_state(item=incident.checklist.get(key=key), state="done", by=cast.commander)
    item = incident.checklist.get(key="patch-endpoint")
    with scenario_endpoint() as (url, state):
        page_a = _live(signed_in_page, cast.responder, incident)
        page_b = _live(signed_in_page, cast.commander, incident)
        row = page_a.locator(f"#item-{item.pk}")
        row.locator("summary", has_text="Check settings").click()
        row.get_by_label("URL to check").fill(url + "/internal/v2/content")
        row.get_by_role("button", name="Save").click()
        # The save re-renders the checklist; run only once the URL is on the step.
        expect(page_a.locator(f"#item-{item.pk}")).to_contain_text(url + "/internal/v2/content")
        page_a.locator(f"#item-{item.pk}").get_by_role("button", name="Run check").click()
        expect(page_b.locator(f"#item-{item.pk} .outcome")).to_have_text("FAIL", timeout=15_000)
        state.patched = True
        page_a.locator(f"#item-{item.pk}").get_by_role("button", name="Run check").click()
        expect(page_b.locator(f"#item-{item.pk} .outcome")).to_have_text("PASS", timeout=15_000)
        expect(page_b.locator(f"#item-{item.pk} .state")).to_have_text("Done")
        show_timeline(page_b)
        expect(page_b.locator("#timeline")).to_contain_text(
            "endpoint_requires_auth check of Patch the endpoint"
        )


def _scenario_checklist(cast):
    incident = make_incident(by=cast.commander, title="Whose step is it")
    seed_playbooks(Playbook, PlaybookItem)
    apply_playbook(
        incident=incident,
        playbook=Playbook.objects.get(slug="exposed-internal-api-endpoint"),
        by=cast.commander,
    )
    set_item_state(
        item=incident.checklist.get(key="open-and-assess"), state="done", by=cast.commander
    )
    return incident


@pytest.mark.parametrize(("who", "key"), [("comms", "tell-partners"), ("auditor", "export-audit")])
def test_each_role_completes_its_own_step_and_sees_no_control_on_others(
    cast, signed_in_page, who, key
):
    """The communications lead ticks "tell partners", the auditor "export the audit
    trail" (in a non-UTC zone, at 400 px); neither is offered any other step."""
    incident = _scenario_checklist(cast)
    mine = incident.checklist.get(key=key)
    other = incident.checklist.get(key="segment-network")
    page = signed_in_page(
        getattr(cast, who), f"/incidents/{incident.reference}/", width=400, timezone_id="Asia/Tokyo"
    )
    expect(page.locator(f"#item-{other.pk} select[name=state]")).to_have_count(0)
    step = page.locator(f"#item-{mine.pk}")
    step.locator("select[name=state]").select_option("done")
    step.get_by_role("button", name="Set").click()
    expect(page.locator(f"#item-{mine.pk} .state")).to_have_text("Done")
    expect(page.locator(f"#item-{other.pk} select[name=state]")).to_have_count(0)
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_the_assignee_of_the_commanders_step_is_shown_its_control(cast, signed_in_page):
    """The section is drawn for the responder role (no control on the commander's step);
    the page shows the control to the person it is assigned to, and to nobody else."""
    from incidents.services.checklists import assign_item

    incident = _scenario_checklist(cast)
    decision = incident.checklist.get(key="assess-risk")
    assign_item(item=decision, assignee=cast.responder, by=cast.commander)
    other = signed_in_page(cast.outsider, f"/incidents/{incident.reference}/")
    expect(other.locator(f"#item-{decision.pk} select[name=state]")).to_be_hidden()
    page = signed_in_page(cast.responder, f"/incidents/{incident.reference}/", color_scheme="dark")
    control = page.locator(f"#item-{decision.pk} select[name=state]")
    expect(control).to_be_visible()
    control.select_option("in_progress")
    page.locator(f"#item-{decision.pk}").get_by_role("button", name="Set").click()
    expect(page.locator(f"#item-{decision.pk} .state")).to_have_text("In progress")
