"""The list's rows are shared renderings (incidents/rendering/list_rows.py): the page and
the live frames draw the same bytes, keyed by every value a row shows."""

import zoneinfo
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from incidents.models import ChecklistItem, Incident
from incidents.rendering import list_rows as list_rows_module
from incidents.rendering.list_rows import rows_html
from incidents.selectors.incident_list import rows_among
from tests.conftest import client_for
from tests.factories import make_incident

HOSTILE = "<img src=x onerror=alert(1)>"


def _row(incident: Incident, viewer):
    (row,) = rows_among(viewer, [incident.pk])
    return row


def _step(incident: Incident, due_at) -> ChecklistItem:
    return ChecklistItem.objects.create(
        incident=incident, key="contain", title="Contain", due_at=due_at
    )


def test_a_row_shows_what_the_list_needs(cast):
    incident = make_incident(by=cast.commander, title=HOSTILE, restricted=True)
    Incident.objects.filter(pk=incident.pk).update(commander=cast.commander)
    _step(incident, timezone.now() - timedelta(hours=1))
    row = _row(incident, cast.commander)
    with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
        html = rows_html([row])
    assert f'<tr id="incident-row-{row.pk}">' in html
    assert f'<a href="/incidents/{row.reference}/">{row.reference}</a>' in html
    assert '<span class="tag">restricted</span>' in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and HOSTILE not in html
    assert 'class="sev sev-sev2" title="Likely exposure' in html and "SEV2 high" in html
    assert '<span class="status status-new">New</span>' in html
    assert "step overdue" in html and "rotation overdue" not in html
    assert f"<td>{cast.commander.username}</td>" in html
    assert "JST</time>" in html and 'title="' + row.created_at.strftime("%Y-%m-%d") in html


def test_an_unassigned_commander_is_a_dash(cast, incident):
    Incident.objects.filter(pk=incident.pk).update(commander=None)
    assert "<td>—</td>" in rows_html([_row(incident, cast.commander)])


def test_a_row_turns_overdue_when_its_step_falls_due(cast, incident, monkeypatch):
    """The row drawn before the deadline says when it changes; served after it, it is
    drawn again: no minute in the key, never a stale "on time"."""
    due = timezone.now() + timedelta(seconds=1)
    _step(incident, due)
    before = rows_html([_row(incident, cast.commander)])
    assert "overdue" not in before and f'data-refresh-at="{due.isoformat()}"' in before
    later = due + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    after = rows_html([_row(incident, cast.commander)])
    assert "step overdue" in after and "data-refresh-at" not in after


def test_a_change_without_a_signal_is_a_new_row(cast, incident):
    client = client_for(cast.responder)
    assert "Public incident" in client.get("/incidents/").content.decode()
    Incident.objects.filter(pk=incident.pk).update(title="Renamed by raw update")
    page = client.get("/incidents/").content.decode()
    assert "Renamed by raw update" in page and "Public incident" not in page


def test_rows_are_shared_between_viewers_and_drawn_once(cast, incident, monkeypatch):
    cache.clear()
    drawn: list[int] = []
    draw = list_rows_module._draw

    def counting(row, oob):
        drawn.append(row.pk)
        return draw(row, oob)

    monkeypatch.setattr(list_rows_module, "_draw", counting)
    first = client_for(cast.responder).get("/incidents/").content.decode()
    second = client_for(cast.commander).get("/incidents/").content.decode()
    assert drawn == [incident.pk]
    row_html = rows_html([_row(incident, cast.commander)])
    assert row_html in first and row_html in second


def test_live_frames_and_the_page_render_the_same_row(cast, incident):
    page = client_for(cast.responder).get("/incidents/").content.decode()
    frame = rows_html([_row(incident, cast.commander)], oob="true")
    assert f'<tr id="incident-row-{incident.pk}" hx-swap-oob="true">' in frame
    assert frame.strip().replace(' hx-swap-oob="true"', "") in page
