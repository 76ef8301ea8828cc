"""The clock in shared renderings: words tick in the browser, flips redraw at their moment."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.template import Context, Template
from django.utils import timezone

from incidents.rendering import store
from incidents.rendering.clock import note_flip


def test_a_rendering_is_kept_until_the_first_moment_it_flips_then_drawn_again(monkeypatch):
    cache.clear()
    flips_at = timezone.now() + dt.timedelta(hours=1)
    drawn: list[int] = []

    def draw() -> str:
        drawn.append(1)
        note_flip(flips_at)
        note_flip(timezone.now() - dt.timedelta(hours=1))  # already past: drawn as flipped
        return '<section id="duties">Open</section>'

    first = store.fetch({"k": draw})["k"]
    assert f'data-refresh-at="{flips_at.astimezone(dt.UTC).isoformat()}"' in first
    assert store.fetch({"k": draw})["k"] == first and len(drawn) == 1
    later = flips_at + dt.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    store.fetch({"k": draw})
    assert len(drawn) == 2


def test_a_rendering_without_flips_is_kept_and_unmarked():
    cache.clear()
    html = store.fetch({"plain": lambda: "<p>x</p>"})["plain"]
    assert html == "<p>x</p>"


def test_countdowns_and_since_are_moments_the_browser_ticks_with_words_as_of_drawing():
    moment = timezone.now() + dt.timedelta(hours=5, minutes=3)
    template = Template("{% load incident_ui %}{% countdown m %}|{% since s %}")
    with timezone.override("Asia/Kolkata"):
        html = template.render(Context({"m": moment, "s": moment - dt.timedelta(days=2)}))
    countdown, since = html.split("|")
    assert f'datetime="{moment.astimezone(dt.UTC).isoformat()}"' in countdown
    assert "data-countdown" in countdown and ">in 5 h " in countdown and "as of " in countdown
    assert "IST" in countdown  # "as of" is in the viewer's zone
    assert "data-since" in since


def test_the_risk_suggestion_for_a_breach_still_running_names_no_day_count():
    from incidents.regulation.severity import Circumstances, _flags

    running = Circumstances(ran_for=dt.timedelta(days=41), ongoing=True)
    contained = Circumstances(ran_for=dt.timedelta(days=41))
    assert _flags([], running) == [
        "The breach is not contained yet: how long it ran is still growing."
    ]
    assert _flags([], contained) == ["The breach ran for 41 d before it was contained."]


def test_a_moment_just_past_is_overdue_never_in_zero_minutes():
    from incidents.presentation.timefmt import countdown_words

    now = timezone.now()
    assert countdown_words(now - dt.timedelta(milliseconds=500), now) == "overdue by 0 h 0 min"
    assert countdown_words(now + dt.timedelta(seconds=30), now) == "in 0 h 0 min"


def test_pages_are_drawn_without_the_store_when_the_cache_is_away(cast, incident, monkeypatch):
    """Redis is an accelerator: with the cache failing, the incident page and the list are
    drawn afresh (slower), never a 500."""
    from tests.conftest import client_for

    def away(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(cache, "get_many", away)
    monkeypatch.setattr(cache, "set_many", away)
    client = client_for(cast.responder)
    page = client.get(f"/incidents/{incident.reference}/")
    assert page.status_code == 200 and "Public incident" in page.content.decode()
    assert client.get("/incidents/").status_code == 200
    assert client.get(f"/incidents/{incident.reference}/timeline/").status_code == 200
