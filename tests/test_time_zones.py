"""Times typed and shown in the viewer's zone, stored in UTC; the zone from the profile,
else the browser's cookie (URL-encoded, as static/app.js writes it), else UTC."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from incidents import roles
from incidents.forms.time_fields import LocalDateTimeField
from incidents.models import Incident, UserProfile
from incidents.presentation.timefmt import local_iso, local_text
from incidents.services import ServiceError
from incidents.services.incident_fields import token_of
from incidents.services.profiles import set_time_zone
from incidents.user_zone import SESSION_KEY, parse_zone
from tests.conftest import signed_in
from tests.factories import make_incident, make_user

pytestmark = pytest.mark.django_db

LA = zoneinfo.ZoneInfo("America/Los_Angeles")


def _client(user, cookie: str | None = None) -> Client:
    client = Client()
    client.force_login(user)
    signed_in(client)
    if cookie is not None:
        client.cookies["tz"] = cookie
    return client


def test_the_url_encoded_cookie_names_the_zone():
    assert parse_zone("Europe%2FBerlin") == zoneinfo.ZoneInfo("Europe/Berlin")
    assert parse_zone("America/Los_Angeles") == LA


@pytest.mark.parametrize("forged", ["", "Nowhere%2FLand", "..%2F..%2Fetc%2Fpasswd", "x" * 200])
def test_a_forged_cookie_falls_back_instead_of_failing(forged):
    assert parse_zone(forged) is None


def test_became_aware_typed_on_the_west_coast_is_stored_as_that_moment_in_utc():
    responder = make_user(roles.RESPONDER)
    incident = make_incident(by=responder)
    client = _client(responder, "America%2FLos_Angeles")
    response = client.post(
        f"/incidents/{incident.reference}/fields/detected_at/",
        {"value": "2026-11-20T08:00", "was": token_of(incident, "detected_at")},
    )
    assert response.status_code in (200, 302)
    incident.refresh_from_db()
    assert incident.detected_at == dt.datetime(2026, 11, 20, 16, 0, tzinfo=dt.UTC)


def test_the_page_shows_times_in_the_cookie_zone_and_names_it():
    responder = make_user(roles.RESPONDER)
    incident = make_incident(by=responder)
    Incident.objects.filter(pk=incident.pk).update(
        detected_at=dt.datetime(2026, 11, 20, 16, 0, tzinfo=dt.UTC)
    )
    page = _client(responder, "Asia%2FKolkata").get(f"/incidents/{incident.reference}/")
    text = page.content.decode()
    assert "2026-11-20 21:30 IST" in text
    assert "Asia/Kolkata" in text  # named in the navigation


def test_a_zone_chosen_on_the_profile_wins_over_the_browser_and_survives_sign_in():
    user = make_user(roles.RESPONDER)
    user.set_password("correct horse battery")
    user.save()
    client = Client()
    client.cookies["tz"] = "Europe%2FBerlin"
    client.post("/accounts/login/", {"login": user.username, "password": "correct horse battery"})
    response = client.post("/accounts/profile/", {"time_zone": "Asia/Kolkata"})
    assert response.status_code == 302
    assert UserProfile.objects.get(user=user).time_zone == "Asia/Kolkata"
    assert "Asia/Kolkata" in client.get("/accounts/profile/").content.decode()

    other = Client()  # another browser, signing in later
    other.cookies["tz"] = "Europe%2FBerlin"
    other.post("/accounts/login/", {"login": user.username, "password": "correct horse battery"})
    assert other.session[SESSION_KEY] == "Asia/Kolkata"


def test_an_unknown_zone_on_the_profile_is_refused_and_nothing_is_saved():
    user = make_user(roles.RESPONDER)
    response = _client(user).post("/accounts/profile/", {"time_zone": "Mars/Olympus"})
    assert response.status_code == 422
    assert "not a time zone name" in response.content.decode()
    assert not UserProfile.objects.filter(user=user).exists()
    with pytest.raises(ServiceError):
        set_time_zone(user=user, zone="Mars/Olympus")


@pytest.mark.parametrize(
    ("typed", "why"),
    [("1969-06-01T12:00", "before 1970"), ("0001-01-01T00:00", "before 1970")],
)
def test_implausible_times_are_refused_with_nothing_written(typed, why):
    responder = make_user(roles.RESPONDER)
    incident = make_incident(by=responder)
    response = _client(responder, "America%2FLos_Angeles").post(
        f"/incidents/{incident.reference}/fields/aware_at/",
        {"value": typed, "was": token_of(incident, "aware_at")},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert why in response.content.decode()
    incident.refresh_from_db()
    assert incident.aware_at is None


def test_a_past_event_more_than_a_day_ahead_is_refused():
    field = LocalDateTimeField(past_event=True)
    ahead = timezone.localtime(timezone.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    with pytest.raises(Exception, match="in the future"):
        field.clean(ahead)


def test_a_time_skipped_by_daylight_saving_is_refused_with_the_reason():
    field = LocalDateTimeField(past_event=True)
    with timezone.override(LA), pytest.raises(Exception, match="clocks change"):
        field.clean("2026-03-08T02:30")  # 02:00 -> 03:00 in Los Angeles that night


def test_the_day_after_daylight_saving_ends_is_eight_hours_from_utc():
    field = LocalDateTimeField(past_event=True)
    with timezone.override(LA):
        summer = field.clean("2026-10-31T09:00")
        winter = field.clean("2026-11-02T09:00")
    assert summer == dt.datetime(2026, 10, 31, 16, 0, tzinfo=dt.UTC)
    assert winter == dt.datetime(2026, 11, 2, 17, 0, tzinfo=dt.UTC)


def test_a_year_one_date_renders_in_utc_instead_of_failing_the_page():
    responder = make_user(roles.RESPONDER)
    incident = make_incident(by=responder)
    Incident.objects.filter(pk=incident.pk).update(
        detected_at=dt.datetime(1, 1, 1, 0, 30, tzinfo=dt.UTC)
    )
    page = _client(responder, "America%2FLos_Angeles").get(f"/incidents/{incident.reference}/")
    assert page.status_code == 200
    assert "0001-01-01 00:30 UTC" in page.content.decode()


def test_text_for_packs_and_registers_gives_the_zone_and_utc():
    moment = dt.datetime(2026, 11, 23, 9, 18, tzinfo=dt.UTC)
    with timezone.override(zoneinfo.ZoneInfo("Europe/Berlin")):
        assert local_text(moment) == "2026-11-23 10:18 CET (09:18 UTC)"
        assert local_iso(moment) == "2026-11-23T10:18:00+01:00"
    with timezone.override(dt.UTC):
        assert local_text(moment) == "2026-11-23 09:18 UTC"


def test_the_settings_page_needs_a_sign_in():
    response = Client().get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
