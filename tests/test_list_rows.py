"""The list's rows are built in Python (incidents.list_rows): the page and the live frames
share them, and they carry everything the template row did."""

import zoneinfo

from django.template.loader import render_to_string
from django.utils import timezone

from incidents.models import Incident
from incidents.presentation.list_rows import rows_html
from tests.conftest import client_for
from tests.factories import make_incident

HOSTILE = "<img src=x onerror=alert(1)>"


def test_a_row_shows_what_the_list_needs(cast):
    incident = make_incident(by=cast.commander, title=HOSTILE, restricted=True)
    Incident.objects.filter(pk=incident.pk).update(commander=cast.commander)
    row = Incident.objects.select_related("commander").get(pk=incident.pk)
    row.rotation_overdue, row.step_overdue = True, False
    with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
        html = rows_html([row])
    assert f'<tr id="incident-row-{row.pk}">' in html
    assert f'<a href="/incidents/{row.reference}/">{row.reference}</a>' in html
    assert '<span class="tag">restricted</span>' in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and HOSTILE not in html
    assert 'class="sev sev-sev2" title="Likely exposure' in html and "SEV2 high" in html
    assert '<span class="status status-new">New</span>' in html
    assert "rotation overdue" in html and "step overdue" not in html
    assert f"<td>{cast.commander.username}</td>" in html
    assert "JST</time>" in html and 'title="' + row.created_at.strftime("%Y-%m-%d") in html


def test_an_unassigned_commander_is_a_dash(cast, incident):
    assert "<td>—</td>" in rows_html([Incident.objects.get(pk=incident.pk)])


def test_live_frames_and_the_page_render_the_same_row(cast, incident):
    page = client_for(cast.responder).get("/incidents/").content.decode()
    row = Incident.objects.select_related("commander").get(pk=incident.pk)
    frame = render_to_string(
        "incidents/incident_list.html#incident-row-oob", {"incident": row, "oob": "true"}
    )
    assert f'<tr id="incident-row-{row.pk}" hx-swap-oob="true">' in frame
    assert frame.strip().replace(' hx-swap-oob="true"', "") in page
