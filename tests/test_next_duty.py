"""The list's next duty deadline: kept by the database whoever writes the duties, shown on
each row, and sortable over every incident."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from incidents.models import Incident, Obligation
from incidents.selectors.incident_list import incident_list_page
from tests.conftest import client_for
from tests.factories import expose_people, make_incident, set_aware


def _breach(cast, title: str, aware_hours_ago: float) -> Incident:
    incident = make_incident(by=cast.commander, title=title)
    set_aware(incident, by=cast.commander, when=timezone.now() - timedelta(hours=aware_hours_ago))
    expose_people(incident, by=cast.commander, per_place={"DE": 900})
    incident.refresh_from_db()
    return incident


def _earliest_open(incident: Incident):
    first = (
        Obligation.objects.filter(incident=incident, state="open", deadline__isnull=False)
        .order_by("deadline")
        .first()
    )
    return first.deadline if first else None


def test_the_next_deadline_follows_the_duties_by_any_route(cast):
    incident = _breach(cast, "Scraped", 10)
    assert incident.next_duty_at is not None
    assert incident.next_duty_at == _earliest_open(incident)
    # A write no service made (the admin's bulk action, a script): still kept right.
    Obligation.objects.filter(incident=incident, deadline=incident.next_duty_at).update(state="met")
    incident.refresh_from_db()
    assert incident.next_duty_at == _earliest_open(incident)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM incidents_obligation WHERE incident_id = %s", [incident.pk])
    incident.refresh_from_db()
    assert incident.next_duty_at is None


def test_the_list_sorts_by_the_next_deadline_with_the_rest_after(cast):
    later = _breach(cast, "Aware an hour ago", 1)
    sooner = _breach(cast, "Aware two days ago", 48)
    none = make_incident(by=cast.commander, title="No duties")
    page = incident_list_page(cast.responder, {"sort": "deadline"})
    assert [row.pk for row in page.object_list] == [sooner.pk, later.pk, none.pk]
    assert page.object_list[0].next_duty_at == sooner.next_duty_at


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "UTC"])
def test_each_row_shows_the_next_deadline_in_the_viewers_zone(cast, zone):
    incident = _breach(cast, "Scraped", 10)
    client = client_for(cast.responder)
    client.cookies["tz"] = zone
    html = client.get("/incidents/?sort=deadline").content.decode()
    assert "Next duty deadline" in html
    local = timezone.localtime(incident.next_duty_at, timezone=ZoneInfo(zone))
    assert local.strftime("%Y-%m-%d %H:%M") in html
