"""The triage workspace in a real browser: hostile input, accessibility, keyboard, live list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from incidents.services.incidents import transition
from tests.e2e.conftest import show_timeline
from tests.factories import keep_evidence, make_incident

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
HOSTILE = "<img src=x onerror=alert(1)>"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def _watch_dialogs(page: Page) -> list[str]:
    fired: list[str] = []

    def record(dialog):
        fired.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return fired


def _edit_fact(page: Page, fact: str, value: str) -> None:
    row = page.locator(f"#fact-{fact}")
    row.get_by_role("link", name="Edit").click()
    field = row.locator("[name=value]")
    field.fill(value)
    row.get_by_role("button", name="Save").click()


def test_hostile_text_in_every_field_never_runs(cast, signed_in_page):
    incident = make_incident(by=cast.commander, title="Plain title")
    incident.members.add(cast.responder)
    # A file with a hostile name, to back ruling a category out below.
    keep_evidence(incident, by=cast.commander, name=HOSTILE[:80] + ".log")
    watcher = signed_in_page(cast.responder, f"/incidents/{incident.reference}/")
    expect(watcher.locator("#live-state")).to_have_text("Live", timeout=10_000)
    watcher_dialogs = _watch_dialogs(watcher)
    page = signed_in_page(cast.commander, f"/incidents/{incident.reference}/")
    dialogs = _watch_dialogs(page)

    for fact in ("title", "summary", "affected_systems", "tags"):
        _edit_fact(page, fact, HOSTILE)
    expect(page.locator("#fact-tags .error")).to_contain_text("may use letters")
    page.locator("#fact-tags").get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Record an exposure").click()
    page.select_option("#id_category", "contact-details")
    page.select_option("#id_status", "ruled_out")
    page.fill("#id_evidence", HOSTILE)
    page.locator("fieldset.backing-files input[type=checkbox]").first.check()
    page.get_by_role("button", name="Save exposure").click()
    expect(page.locator("#exposure-contact-details")).to_contain_text("Ruled out")
    page.fill("#id_body", HOSTILE)
    page.get_by_role("button", name="Add note").click()
    page.select_option("#id_to", "duplicate")
    page.fill("#id_reason", HOSTILE)
    page.fill("#id_duplicate_of", HOSTILE[:20])
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.locator("#incident-header .errors")).to_contain_text("No incident")
    page.select_option("#id_to", "false_positive")
    page.fill("#id_reason", HOSTILE)
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text("Closed: false positive")

    show_timeline(watcher)
    expect(watcher.locator("#timeline")).to_contain_text("added a note", timeout=5_000)
    expect(watcher.locator("h1")).to_contain_text(HOSTILE)  # shown as text, live
    for path in ("/incidents/", f"/incidents/{incident.reference}/", f"/incidents/?q={HOSTILE}"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert dialogs == [] and watcher_dialogs == []


def _axe_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


def test_pages_pass_an_automated_accessibility_check(cast, signed_in_page):
    incident = make_incident(by=cast.commander, title="Accessible incident")
    for path in (
        "/incidents/",
        f"/incidents/{incident.reference}/",
        f"/incidents/{incident.reference}/fields/title/?edit=1",
    ):
        page = signed_in_page(cast.commander, path, bypass_csp=True)
        page.wait_for_load_state("networkidle")
        assert _axe_violations(page) == [], path


def test_the_list_is_driven_from_the_keyboard(cast, signed_in_page):
    first = make_incident(by=cast.commander, title="First made")
    second = make_incident(by=cast.commander, title="Second made")
    page = signed_in_page(cast.responder, "/incidents/")
    page.keyboard.press("/")
    expect(page.locator("#id_q")).to_be_focused()
    page.locator("h1").click()
    page.keyboard.press("j")
    expect(page.locator(f"#incident-row-{second.pk}")).to_have_class("current")
    page.keyboard.press("j")
    expect(page.locator(f"#incident-row-{first.pk} a")).to_be_focused()
    page.keyboard.press("k")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('/incidents/')[0]}/incidents/{second.reference}/")


def test_filters_live_in_the_url_and_the_back_button(cast, signed_in_page):
    make_incident(by=cast.commander, title="Billing API scraped", severity="sev1")
    make_incident(by=cast.commander, title="Laptop lost", severity="sev4")
    page = signed_in_page(cast.responder, "/incidents/")
    page.fill("#id_q", "billing")
    expect(page).to_have_url(re.compile(r"q=billing"))
    expect(page.locator("#incident-rows")).not_to_contain_text("Laptop lost")
    page.go_back()
    expect(page.locator("#incident-rows")).to_contain_text("Laptop lost")


def test_the_live_list_follows_the_viewers_filters(cast, signed_in_page):
    page = signed_in_page(cast.responder, "/incidents/?state=open")
    expect(page.locator("#live-state")).to_have_text("Live", timeout=10_000)
    page.wait_for_timeout(300)  # the socket has sent its filters
    expect(page.locator("#results .count")).to_have_text("0 incidents")
    fresh = make_incident(by=cast.commander, title="Brand new live incident")
    row = page.locator(f"#incident-row-{fresh.pk}")
    expect(row).to_contain_text("Brand new live incident", timeout=10_000)
    expect(page.locator("#results .count")).to_have_text("1 incident", timeout=10_000)
    expect(page.locator("#incident-rows tr.empty")).to_have_count(0)
    transition(incident=fresh, to="false_positive", by=cast.commander, reason="test")
    expect(row).to_have_count(0, timeout=10_000)
    expect(page.locator("#results .count")).to_have_text("0 incidents", timeout=10_000)
    expect(page.locator("#incident-rows")).to_contain_text("No incidents match.")


def test_the_live_list_keeps_its_count_and_pages_right(cast, signed_in_page):
    """Page 1 of 50 rows: an incident opened meanwhile goes on top, the one it pushes to
    page 2 leaves this page, and the count and the pager say so."""
    made = [make_incident(by=cast.commander, title=f"Older {n}") for n in range(50)]
    page = signed_in_page(cast.responder, "/incidents/")
    expect(page.locator("#live-state")).to_have_text("Live", timeout=10_000)
    page.wait_for_timeout(300)  # the socket has sent its filters
    expect(page.locator("#results .count")).to_have_text("50 incidents")
    fresh = make_incident(by=cast.commander, title="Newest of all")
    expect(page.locator("#results .count")).to_have_text(
        "51 incidents, page 1 of 2", timeout=10_000
    )
    rows = page.locator("#incident-rows tr")
    expect(rows).to_have_count(50)
    expect(rows.first).to_have_id(f"incident-row-{fresh.pk}")
    expect(page.locator(f"#incident-row-{made[0].pk}")).to_have_count(0)  # now on page 2
    expect(page.locator("nav.pager")).to_contain_text("Page 1 of 2")


def test_a_concurrent_edit_in_two_browsers_shows_a_conflict(cast, signed_in_page):
    incident = make_incident(by=cast.commander, title="Original title")
    page_a = signed_in_page(cast.commander, f"/incidents/{incident.reference}/")
    page_b = signed_in_page(cast.responder, f"/incidents/{incident.reference}/")
    for page in (page_a, page_b):
        expect(page.locator("#live-state")).to_have_text("Live", timeout=10_000)
        page.locator("#fact-title").get_by_role("link", name="Edit").click()
    page_b.locator("#fact-title [name=value]").fill("Sam's title")
    page_a.locator("#fact-title [name=value]").fill("Dana's title")
    page_a.locator("#fact-title").get_by_role("button", name="Save").click()
    expect(page_a.locator("#fact-title")).to_contain_text("Dana's title")
    expect(page_b.locator("#fact-title .stale")).to_be_visible(timeout=3_000)  # unsaved input kept
    page_b.locator("#fact-title").get_by_role("button", name="Save").click()
    expect(page_b.locator("#fact-title .errors")).to_contain_text("it is now: Dana's title")
