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
    apply_playbook(incident=incident, playbook=Playbook.objects.get(), by=cast.commander)
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
