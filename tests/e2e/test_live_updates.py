"""Two responders on one incident see each other's changes and the worker's, live."""

from __future__ import annotations

import os
import signal

import pytest
from playwright.sync_api import expect

from incidents.models import Status
from incidents.services.incidents import transition
from tests.e2e.conftest import show_timeline
from tests.factories import make_incident

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shared_incident(cast):
    incident = make_incident(
        by=cast.commander, title="MelzTube internal API exposed", restricted=True
    )
    incident.members.add(cast.responder)
    return incident


def _open_live(signed_in_page, user, incident):
    page = signed_in_page(user, f"/incidents/{incident.reference}/")
    expect(page.locator("#live-state")).to_have_text("Live", timeout=10_000)
    return page


def test_a_status_change_and_a_worker_event_reach_both_pages(cast, shared_incident, signed_in_page):
    page_a = _open_live(signed_in_page, cast.commander, shared_incident)
    page_b = _open_live(signed_in_page, cast.responder, shared_incident)

    page_a.select_option("#id_to", "triage")
    page_a.get_by_role("button", name="Move", exact=True).click()
    expect(page_a.get_by_test_id("status")).to_have_text("Triage", timeout=2_000)
    expect(page_b.get_by_test_id("status")).to_have_text("Triage", timeout=2_000)
    show_timeline(page_b)
    expect(page_b.locator("#timeline")).to_contain_text(
        "dana moved the incident from New to Triage"
    )

    page_a.get_by_role("button", name="Run heartbeat check").click()
    expect(page_a.locator("#check-status")).to_contain_text("queued")
    for page in (page_a, page_b):
        show_timeline(page)
        expect(page.locator("#timeline")).to_contain_text(
            "ran the heartbeat check: PASS", timeout=15_000
        )
    assert page_b.locator("#timeline li.event").count() == 4  # opened, moved, requested, ran


def test_an_illegal_move_shows_the_reason_in_the_page(cast, shared_incident, signed_in_page):
    page = _open_live(signed_in_page, cast.commander, shared_incident)
    page.select_option("#id_to", "false_positive")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.locator("#incident-header .errors")).to_contain_text("needs a resolution summary")
    expect(page.get_by_test_id("status")).to_have_text("New")


def test_a_page_that_was_offline_catches_up_when_it_reconnects(
    cast, shared_incident, signed_in_page, stack
):
    running, _ = stack
    page = _open_live(signed_in_page, cast.responder, shared_incident)
    show_timeline(page)
    web = running.processes["web"]
    args = web.args
    running.kill("web")
    expect(page.locator("#live-state")).to_have_text("Reconnecting…", timeout=5_000)
    transition(incident=shared_incident, to=Status.TRIAGE, by=cast.commander)
    transition(incident=shared_incident, to=Status.CONTAINMENT, by=cast.commander)
    running.start("web", list(args))
    expect(page.get_by_test_id("status")).to_have_text("Containment", timeout=20_000)
    expect(page.locator("#event-3")).to_contain_text("from Triage to Containment")
    assert page.locator("#timeline li.event").count() == 3


def test_an_outsider_never_sees_the_incident(cast, shared_incident, signed_in_page):
    page = signed_in_page(cast.outsider, f"/incidents/{shared_incident.reference}/")
    expect(page.locator("h1")).to_have_text("Not found")
    assert shared_incident.title not in page.content()


def test_a_page_whose_server_goes_silent_says_so_and_recovers(
    cast, shared_incident, signed_in_page, stack
):
    """A frozen server keeps the socket open but says nothing: the page must not go on
    saying "Live". It notices the missing beats, says so, and is live again after."""
    running, _ = stack
    page = _open_live(signed_in_page, cast.responder, shared_incident)
    web = running.processes["web"]
    os.kill(web.pid, signal.SIGSTOP)
    try:
        expect(page.locator("#live-state")).to_contain_text(
            "no word from the server", timeout=25_000
        )
    finally:
        os.kill(web.pid, signal.SIGCONT)
    expect(page.locator("#live-state")).to_have_text("Live", timeout=20_000)
    transition(incident=shared_incident, to=Status.TRIAGE, by=cast.commander)
    expect(page.get_by_test_id("status")).to_have_text("Triage", timeout=5_000)
