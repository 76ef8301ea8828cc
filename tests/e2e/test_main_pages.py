"""The pages a response team lives on, in a real browser: at 400 px in dark mode in a non-UTC
zone and on a light desktop in UTC, nothing pushes the page sideways, axe finds no serious
or critical problem, and the browser logs no error (CSP refusals and failed requests
included). And the timeline's filter is kept in the page's address."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from incidents.services.notes import add_note
from tests.e2e.conftest import show_timeline
from tests.e2e.test_notice_flow import _assert_axe_clean
from tests.factories import expose_people, keep_evidence, make_incident, set_aware

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("BREACHROOM_SCREENSHOTS", "var/screenshots"))


def _breach(cast):
    incident = make_incident(by=cast.commander, title="Internal API scraped")
    set_aware(incident, by=cast.commander, when=timezone.now() - timedelta(hours=5))
    expose_people(incident, by=cast.commander, per_place={"DE": 52_500, "US-CA": 600})
    add_note(incident=incident, body="Gateway logs show **12,000** calls.", by=cast.responder)
    keep_evidence(incident, by=cast.responder, name="gateway-2026-11-30.log")
    return incident


def _pages(reference: str) -> list[tuple[str, str]]:
    return [
        ("/incidents/", "Incidents"),
        ("/incidents/new/", "Open an incident"),
        (f"/incidents/{reference}/", "Internal API scraped"),
        (f"/incidents/{reference}/timeline/", reference),
        (f"/incidents/{reference}/regulator-pack/", "Regulator"),
        (f"/incidents/{reference}/evidence/", "gateway-2026-11-30.log"),
        ("/obligations/", "Notification duties"),
    ]


def _console_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


@pytest.mark.parametrize(
    ("width", "scheme", "zone"),
    [(400, "dark", "Asia/Kolkata"), (1280, "light", "UTC")],
    ids=["400px-dark-kolkata", "desktop-light-utc"],
)
def test_the_main_pages_fit_pass_axe_and_log_no_errors(cast, signed_in_page, width, scheme, zone):
    reference = _breach(cast).reference
    # With the page's CSP in force: any refusal (an inline style in a swap) is a logged error.
    page = signed_in_page(
        cast.commander, "/incidents/", width=width, color_scheme=scheme, timezone_id=zone
    )
    errors = _console_errors(page)
    for path, heading in _pages(reference):
        page.goto(path)
        expect(page.locator("main")).to_contain_text(heading)
        if page.locator("#timeline-section").count():
            show_timeline(page)
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (path, overflow)
    assert errors == []
    # axe is injected, which the CSP would refuse: a second visit with it bypassed.
    checker = signed_in_page(
        cast.commander,
        "/incidents/",
        width=width,
        color_scheme=scheme,
        timezone_id=zone,
        bypass_csp=True,
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    for path, _ in _pages(reference):
        checker.goto(path)
        checker.wait_for_load_state("networkidle")
        _assert_axe_clean(checker)
        name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")
        checker.screenshot(path=str(SHOTS / f"main-{name}-{width}-{scheme}.png"), full_page=True)


def test_the_timeline_filter_is_kept_in_the_address(cast, signed_in_page):
    incident = _breach(cast)
    page = signed_in_page(cast.responder, f"/incidents/{incident.reference}/")
    show_timeline(page)
    kinds = page.locator("#timeline-section nav.kinds")
    kinds.get_by_role("link", name="Notes").click()
    expect(page).to_have_url(re.compile(rf"/incidents/{incident.reference}/\?timeline=notes$"))
    expect(page.locator("#timeline")).to_contain_text("added a note")
    expect(page.locator("#timeline")).not_to_contain_text("opened")
    expect(kinds.get_by_role("link", name="Notes")).to_have_attribute("aria-current", "true")

    page.go_back()
    expect(page).to_have_url(re.compile(rf"/incidents/{incident.reference}/$"))
    show_timeline(page)
    all_kinds = page.locator("#timeline-section nav.kinds").get_by_role("link", name="All")
    expect(all_kinds).to_have_attribute("aria-current", "true")

    page.goto(f"/incidents/{incident.reference}/?timeline=notes")  # a bookmark
    show_timeline(page)
    expect(
        page.locator("#timeline-section nav.kinds").get_by_role("link", name="Notes")
    ).to_have_attribute("aria-current", "true")
    expect(page.locator("#timeline")).not_to_contain_text("opened")


def test_colours_chosen_by_hand_win_over_the_devices(cast, signed_in_page):
    """A light device with dark chosen on the settings page shows dark, axe-clean; and the
    other way round."""
    incident = _breach(cast)
    for device, chosen, background in (
        ("light", "dark", "rgb(13, 17, 23)"),
        ("dark", "light", "rgb(246, 248, 250)"),
    ):
        page = signed_in_page(
            cast.commander, "/accounts/profile/", color_scheme=device, bypass_csp=True
        )
        page.get_by_label(chosen.capitalize(), exact=True).check()
        page.get_by_role("button", name="Save").first.click()
        expect(page.locator("html")).to_have_attribute("data-theme", chosen)
        page.goto(f"/incidents/{incident.reference}/")
        page.wait_for_load_state("networkidle")
        shown = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert shown == background, (device, chosen, shown)
        _assert_axe_clean(page)
