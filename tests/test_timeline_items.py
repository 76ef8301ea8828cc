"""Timeline items are one template (incidents/timeline_items.html) for the page, its older
pages and live frames alike: drawn once per chain head and shared (rendering/timeline.py)."""

from django.template.loader import render_to_string

from incidents.models import Event
from incidents.presentation.timeline_words import describe
from tests.conftest import client_for
from tests.factories import make_incident

HOSTILE = "<img src=x onerror=alert(1)>"


def items_html(events: list[Event]) -> str:
    return render_to_string("incidents/timeline_items.html", {"events": events})


def test_an_item_is_escaped_and_carries_kind_verb_and_sequence(cast):
    incident = make_incident(by=cast.commander, title=HOSTILE)
    event = Event.objects.get(incident=incident)
    html = items_html([event])
    assert f'<li id="event-{event.seq}" class="event" data-kind="status"' in html
    assert 'data-verb="incident.opened"' in html and f"· #{event.seq}</span>" in html
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_odd_recorded_values_are_told_not_fatal():
    event = Event(seq=1, verb="incident.status_changed", actor_label="x", before={})
    event.after = {"status": ["not", "a", "status"]}
    assert "to ['not', 'a', 'status']" in describe(event)


def test_live_frames_and_the_page_render_the_same_items(cast, incident):
    url = f"/incidents/{incident.reference}/timeline/"
    page = client_for(cast.responder).get(url).content.decode()
    events = list(Event.objects.filter(incident=incident))
    frame = render_to_string("incidents/incident_detail.html#timeline-oob", {"events": events})
    assert str(items_html(events)) in frame and str(items_html(events)) in page
