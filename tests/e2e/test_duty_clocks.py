"""Duty clocks in a real browser in the viewer's own zone: "became aware" typed on the US west
coast and in India is stored as that moment in UTC and the 72-hour deadline shown in the
same zone; a time the clocks skip is refused; an exposure recorded with jurisdictions only
shows a provisional duty "up to N (split unknown)", never "no duty". Run in several zones,
widths and colour schemes, with a screenshot of each page for a person to look at."""

from __future__ import annotations

import datetime as dt
import os
import re
import zoneinfo
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from incidents.models import Incident, Obligation
from tests.factories import make_incident

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ALIASES = {"Asia/Kolkata": ("Asia/Kolkata", "Asia/Calcutta")}
SHOTS = Path(os.environ.get("BREACHROOM_SCREENSHOTS", "var/screenshots"))

VIEWS = [
    pytest.param("America/Los_Angeles", 1280, "light", id="los-angeles-desktop-light"),
    pytest.param("Asia/Kolkata", 400, "dark", id="kolkata-400px-dark"),
    pytest.param("UTC", 1280, "dark", id="utc-desktop-dark"),
]


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _edit_time(page: Page, fact: str, value: str) -> None:
    row = page.locator(f"#fact-{fact}")
    row.get_by_role("link", name="Edit").click()
    row.locator("[name=value]").fill(value)
    row.get_by_role("button", name="Save").click()


@pytest.mark.parametrize(("zone", "width", "scheme"), VIEWS)
def test_became_aware_is_typed_in_the_viewers_zone_and_the_deadline_shown_in_it(
    cast, signed_in_page, zone, width, scheme
):
    incident = make_incident(by=cast.commander, title="Exposed internal API")
    page = signed_in_page(
        cast.commander,
        f"/incidents/{incident.reference}/",
        timezone_id=zone,
        width=width,
        color_scheme=scheme,
    )
    # Chromium's ICU may name a zone by its older alias (Asia/Calcutta): the same zone.
    shown = re.compile("|".join(re.escape(name) for name in ALIASES.get(zone, (zone,))))
    expect(page.get_by_test_id("nav-zone")).to_have_text(shown)
    local = zoneinfo.ZoneInfo(zone)
    aware_local = (dt.datetime.now(local) - dt.timedelta(hours=5)).replace(
        second=0, microsecond=0, tzinfo=None
    )
    detected_local = aware_local - dt.timedelta(hours=1)
    _edit_time(page, "detected_at", detected_local.strftime("%Y-%m-%dT%H:%M"))
    expect(page.locator("#fact-detected_at .value")).to_contain_text(
        detected_local.strftime("%Y-%m-%d %H:%M")
    )
    row = page.locator("#fact-aware_at")
    row.get_by_role("link", name="Edit").click()
    expect(row).to_contain_text(
        re.compile(rf"In your time zone \(({shown.pattern})\); stored in UTC\.")
    )
    row.locator("[name=value]").fill(aware_local.strftime("%Y-%m-%dT%H:%M"))
    row.get_by_role("button", name="Save").click()
    expect(page.locator("#fact-aware_at .value")).to_contain_text(
        aware_local.strftime("%Y-%m-%d %H:%M")
    )
    stored = Incident.objects.get(pk=incident.pk).aware_at
    assert stored == aware_local.replace(tzinfo=local).astimezone(dt.UTC)

    # Jurisdictions only, no split: the duty counts up to the estimate and says so.
    page.get_by_role("link", name="Record an exposure").click()
    page.select_option("#id_category", "viewing-history")
    page.select_option("#id_status", "suspected")
    page.fill("#id_people_high", "70000")
    places = page.locator("input[name=place]")
    places.nth(0).fill("DE")
    places.nth(1).fill("GB")
    page.get_by_role("button", name="Add a jurisdiction").click()
    expect(places).to_have_count(4)
    expect(places.nth(3)).to_be_focused()
    name = f"{zone.replace('/', '-')}-{width}-{scheme}"
    _shot(page, f"exposure-editor-{name}")
    with page.expect_response(lambda r: r.url.endswith("/exposures/save/")) as saved:
        page.get_by_role("button", name="Save exposure").click()
    assert saved.value.status == 200, saved.value.text()[:2000]
    expect(page.locator("#exposure-viewing-history")).to_contain_text("number not known")
    duties = page.locator("#obligations")
    expect(duties).to_contain_text("up to 70,000 (split by jurisdiction unknown)")
    expect(duties).to_contain_text("Open (provisional)")
    expect(duties).not_to_contain_text("No notification duty follows")
    expect(page.get_by_test_id("assess-risk")).to_be_visible()

    art33 = Obligation.objects.get(incident=incident, rule_id="eu-gdpr-art33")
    assert art33.deadline == stored + dt.timedelta(hours=72)
    due_local = art33.deadline.astimezone(local).strftime("%Y-%m-%d %H:%M")
    expect(page.locator(f"#duty-{art33.pk}")).to_contain_text(due_local)
    _shot(page, f"incident-duties-{name}")
    risk = page.locator("#risk")
    risk.locator("summary", has_text="Assess").click()
    expect(risk.get_by_test_id("risk-suggestion")).to_contain_text("Suggested from the record")
    risk.locator("#risk-recipients").select_option("malicious")
    risk.get_by_role("button", name="Save assessment").click()
    expect(risk.get_by_test_id("risk-formula")).to_have_text(
        "SE = 2 × 0.75 + 0.5 + 0 + 0 + 0.5 = 2.5"
    )
    expect(duties).not_to_contain_text("Assess the risk to people")
    _shot(page, f"risk-{name}")
    # Nothing pushes the page sideways: wide tables scroll inside their card.
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_time_the_clocks_skip_is_refused_with_the_reason(cast, signed_in_page):
    incident = make_incident(by=cast.commander, title="Spring forward")
    page = signed_in_page(
        cast.commander, f"/incidents/{incident.reference}/", timezone_id="America/Los_Angeles"
    )
    before = Incident.objects.get(pk=incident.pk).detected_at
    _edit_time(page, "detected_at", "2026-03-08T02:30")  # 02:00 -> 03:00 that night
    expect(page.locator("#fact-detected_at")).to_contain_text("the clocks change then")
    assert Incident.objects.get(pk=incident.pk).detected_at == before
    row = page.locator("#fact-detected_at")  # still open, with the error: type it again
    row.locator("[name=value]").fill("2026-03-08T03:30")
    row.get_by_role("button", name="Save").click()
    expect(page.locator("#fact-detected_at .value")).to_contain_text("2026-03-08 03:30 PDT")
    assert Incident.objects.get(pk=incident.pk).detected_at == dt.datetime(
        2026, 3, 8, 10, 30, tzinfo=dt.UTC
    )


def test_a_zone_chosen_in_settings_wins_over_the_browser(cast, signed_in_page):
    page = signed_in_page(cast.responder, "/accounts/profile/", timezone_id="Europe/Berlin")
    expect(page.get_by_test_id("shown-zone")).to_have_text("Europe/Berlin")
    page.select_option("#id_time_zone", "Asia/Kolkata")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("shown-zone")).to_have_text("Asia/Kolkata")
    expect(page.get_by_test_id("nav-zone")).to_have_text("Asia/Kolkata")
    _shot(page, "profile-zone")


@pytest.mark.parametrize(("zone", "width", "scheme"), VIEWS[:2])
def test_an_open_page_turns_a_duty_overdue_at_its_deadline_without_a_reload(
    cast, signed_in_page, zone, width, scheme
):
    """The duties section is a shared rendering: the page must not keep saying "Open" past
    the deadline. Its countdown ticks in the browser, and at the deadline the section is
    asked for again (data-refresh-at) and comes back drawn as overdue."""
    from tests.factories import expose_people, set_aware

    incident = make_incident(by=cast.commander, title="Deadline in seconds")
    deadline_in = dt.timedelta(seconds=8)
    set_aware(
        incident,
        by=cast.commander,
        when=dt.datetime.now(dt.UTC) - dt.timedelta(hours=72) + deadline_in,
    )
    expose_people(incident, by=cast.commander, per_place={"DE": 50})
    page = signed_in_page(
        cast.responder,
        f"/incidents/{incident.reference}/",
        timezone_id=zone,
        width=width,
        color_scheme=scheme,
    )
    duties = page.locator("#obligations")
    expect(duties).to_contain_text("Open")
    countdown = duties.locator("time[data-countdown]").first
    expect(countdown).to_contain_text("in 0 h 0 min")
    expect(countdown).not_to_have_attribute("title", re.compile("as of"))  # ticked here
    assert "Overdue" not in duties.inner_text()
    expect(duties).to_contain_text("Overdue", timeout=15_000)
    expect(duties.locator("time[data-countdown]").first).to_contain_text("overdue by")
    _shot(page, f"duty-turned-overdue-{zone.replace('/', '-')}-{width}-{scheme}")
