"""Render once, serve many, and never leak: shared renderings are per role set, every frame
is gated per person, changes made behind the services' back still show."""

from __future__ import annotations

import json
import re

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from incidents.models import Event, Incident, Status
from incidents.realtime.frames import Watcher, incident_frames
from incidents.realtime.groups import incident_event_message, incident_group
from incidents.realtime.relay import publish_pending
from incidents.services.events import append_event
from incidents.services.incidents import transition
from tests.conftest import client_for
from tests.test_consumers import _closed_with, _connect

pytestmark = pytest.mark.django_db(transaction=True)


async def _watch(incident: Incident, user, after: int) -> WebsocketCommunicator:
    communicator = await _connect(f"/ws/incidents/{incident.reference}/", user)
    await communicator.send_to(text_data=json.dumps({"after": after}))
    assert await communicator.receive_nothing(timeout=0.3)
    return communicator


async def test_viewers_with_different_roles_never_get_each_others_frame(cast, incident):
    responder = await _watch(incident, cast.responder, 1)
    other_responder = await _watch(incident, cast.responder, 1)
    auditor = await _watch(incident, cast.auditor, 1)
    await database_sync_to_async(transition)(incident=incident, to=Status.TRIAGE, by=cast.commander)
    await publish_pending()
    for_responder = await responder.receive_from(timeout=2)
    for_auditor = await auditor.receive_from(timeout=2)
    # The responder may move the incident on; the read-only auditor's frame has no form.
    assert 'class="transition"' in for_responder
    assert 'class="transition"' not in for_auditor and "Triage" in for_auditor
    # Same role set: the very same bytes, drawn once.
    assert await other_responder.receive_from(timeout=2) == for_responder
    for communicator in (responder, other_responder, auditor):
        await communicator.disconnect()


async def test_a_member_removed_by_raw_sql_gets_4403_and_not_one_more_byte(cast, restricted):
    removed = await _watch(restricted, cast.responder, 1)
    staying = await _watch(restricted, cast.auditor, 1)

    def remove_behind_the_services_back() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM incidents_incident_members WHERE incident_id = %s AND user_id = %s",
                [restricted.pk, cast.responder.pk],
            )
        transition(incident=restricted, to=Status.TRIAGE, by=cast.commander)

    await database_sync_to_async(remove_behind_the_services_back)()
    await publish_pending()
    # The first thing the removed member gets is the close: no frame of the change.
    assert await _closed_with(removed) == 4403
    assert 'id="event-2"' in await staying.receive_from(timeout=2)
    await staying.disconnect()


async def test_a_burst_of_announcements_is_one_frame_ending_on_the_latest_state(cast, incident):
    communicator = await _watch(incident, cast.responder, 1)

    def burst() -> int:
        for _ in range(10):
            with transaction.atomic():
                append_event(incident=incident, verb="test.tick", actor=cast.commander)
        return Incident.objects.get(pk=incident.pk).event_seq

    last = await database_sync_to_async(burst)()
    layer = get_channel_layer()
    for seq in range(2, last + 1):
        await layer.group_send(
            incident_group(incident.pk), incident_event_message(incident.pk, seq)
        )
    frame = await communicator.receive_from(timeout=2)
    assert f'data-seq="{last}"' in frame
    assert all(f'id="event-{n}"' in frame for n in range(2, last + 1))
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()


def _frame_queries(incident: Incident, watchers: list[Watcher]) -> int:
    with CaptureQueriesContext(connection) as captured:
        frames = incident_frames(incident.pk, watchers)
    assert all(frame is not None and frame.html for frame in frames.values())
    return len(captured)


def test_one_frame_costs_the_same_queries_for_two_viewers_or_six(cast, incident):
    transition(incident=incident, to=Status.TRIAGE, by=cast.commander)
    people = [cast.responder, cast.auditor, cast.commander, cast.comms, cast.admin, cast.outsider]
    few = [Watcher(u.pk, 1, None, "UTC") for u in people[:2]]
    many = [Watcher(u.pk, 1, None, zone) for u in people for zone in ("UTC", "Asia/Kolkata")]
    _frame_queries(incident, many)  # drawn once: the renderings are in the store now
    assert _frame_queries(incident, few) == _frame_queries(incident, many) == 2


def test_a_restricted_section_is_never_served_from_another_role_sets_rendering(
    cast, restricted, settings
):
    cache.clear()
    # The admin's rendering (with the member controls) is drawn first and stored.
    admin_page = client_for(cast.admin).get(f"/incidents/{restricted.reference}/")
    assert "Add member" in admin_page.content.decode()
    member_page = client_for(cast.auditor).get(f"/incidents/{restricted.reference}/")
    body = member_page.content.decode()
    assert "Members" in body and "Add member" not in body and ">Remove<" not in body


def test_changes_made_by_update_or_raw_sql_show_on_the_next_load(cast, incident):
    client = client_for(cast.responder)
    url = f"/incidents/{incident.reference}/"
    assert "Public incident" in client.get(url).content.decode()
    Incident.objects.filter(pk=incident.pk).update(title="Renamed by update()")
    assert "Renamed by update()" in client.get(url).content.decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE incidents_incident SET summary = %s WHERE id = %s",
            ["Written by raw SQL", incident.pk],
        )
    assert "Written by raw SQL" in client.get(url).content.decode()


def test_the_timeline_loaded_later_carries_every_event_the_frames_did_not(cast, incident):
    client = client_for(cast.responder)
    with transaction.atomic():
        append_event(incident=incident, verb="test.tick", actor=cast.commander)
    timeline = client.get(f"/incidents/{incident.reference}/timeline/").content.decode()
    seqs = sorted(int(n) for n in re.findall(r'id="event-(\d+)"', timeline))
    assert seqs == list(Event.objects.filter(incident=incident).values_list("seq", flat=True))


def test_the_list_filters_are_shared_yet_follow_a_role_granted_by_raw_sql(cast):
    from django.contrib.auth.models import Group, User

    from incidents import roles

    client = client_for(cast.responder)
    newcomer = User.objects.create(username="newcomer-quinn")
    assert 'value="newcomer-quinn"' not in client.get("/incidents/").content.decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO auth_user_groups (user_id, group_id) VALUES (%s, %s)",
            [newcomer.pk, Group.objects.get_or_create(name=roles.RESPONDER)[0].pk],
        )
    assert 'value="newcomer-quinn"' in client.get("/incidents/").content.decode()
    # The same query from another viewer is served the stored rendering: no option query.
    with CaptureQueriesContext(connection) as captured:
        client_for(cast.auditor).get("/incidents/")
    assert not any("DISTINCT" in q["sql"] for q in captured.captured_queries)


async def test_a_page_is_told_it_is_not_receiving_while_frames_cannot_be_drawn(
    cast, incident, monkeypatch
):
    """Never "Live" on a page that has stopped receiving: while the record cannot be read
    the page says so, and when it can again it says "Live" and gets what it missed."""
    from django.db import OperationalError

    from incidents.realtime import hub

    communicator = await _watch(incident, cast.responder, 1)
    real = hub.incident_frames

    def database_away(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(hub, "incident_frames", database_away)
    await database_sync_to_async(transition)(incident=incident, to=Status.TRIAGE, by=cast.commander)
    await publish_pending()
    told = await communicator.receive_from(timeout=2)
    assert 'data-state="stale"' in told and "Not receiving changes" in told
    assert "Triage" not in told
    monkeypatch.setattr(hub, "incident_frames", real)
    back = await communicator.receive_from(timeout=3)
    assert 'data-state="live"' in back
    caught_up = await communicator.receive_from(timeout=2)
    assert 'id="event-2"' in caught_up and "Triage" in caught_up
    await communicator.disconnect()


async def test_a_message_bus_failure_is_said_on_the_page_and_cleared_when_it_is_back(
    cast, incident
):
    from incidents.realtime import hub

    communicator = await _watch(incident, cast.responder, 1)
    station = hub.station()
    assert station.layer is not None
    real_receive = station.layer.receive
    calls = {"n": 0}

    async def receive_failing_once(channel: str) -> dict:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("Redis went away")
        return await real_receive(channel)

    station.layer.receive = receive_failing_once
    try:
        await database_sync_to_async(transition)(
            incident=incident, to=Status.TRIAGE, by=cast.commander
        )
        await publish_pending()  # the listener's current receive returns this one
        # The frame for the change, the "not receiving" said when the next receive fails,
        # then "Live" once the station has rejoined (frame and failure may cross).
        received = [await communicator.receive_from(timeout=3) for _ in range(3)]
        states = [m for m in received if 'id="live-state"' in m]
        assert any('id="event-2"' in m for m in received)
        assert ['data-state="stale"' in states[0], 'data-state="live"' in states[-1]] == [
            True,
            True,
        ]
    finally:
        station.layer.receive = real_receive
        await communicator.disconnect()


async def test_a_page_far_behind_catches_up_in_several_frames_to_the_last_event(cast, incident):
    from incidents.realtime.frames import PAGE_SIZE

    def many() -> int:
        with transaction.atomic():
            for _ in range(PAGE_SIZE + 20):
                append_event(incident=incident, verb="test.tick", actor=cast.commander)
        return Incident.objects.get(pk=incident.pk).event_seq

    last = await database_sync_to_async(many)()
    communicator = await _connect(f"/ws/incidents/{incident.reference}/", cast.responder)
    await communicator.send_to(text_data=json.dumps({"after": 0}))
    seen: set[int] = set()
    while len(seen) < last:
        frame = await communicator.receive_from(timeout=3)
        seen |= {int(n) for n in re.findall(r'id="event-(\d+)"', frame)}
    assert seen == set(range(1, last + 1)) and f'data-seq="{last}"' in frame
    assert await communicator.receive_nothing(timeout=0.4)
    await communicator.disconnect()


async def test_a_page_is_told_when_the_relay_stops_and_caught_up_when_it_beats_again(
    cast, incident, monkeypatch
):
    from django.core.cache import cache as shared_cache

    from incidents.realtime import relay_health

    monkeypatch.setattr(relay_health, "BEAT_SECONDS", 0.05)
    monkeypatch.setattr(relay_health, "STALE_SECONDS", 0.6)
    await shared_cache.adelete(relay_health.KEY)
    communicator = await _watch(incident, cast.responder, 1)  # no relay beats here
    told = await communicator.receive_from(timeout=3)
    assert 'data-state="stale"' in told and "not running" in told
    # Meanwhile a change is committed: nobody announces it.
    await database_sync_to_async(transition)(incident=incident, to=Status.TRIAGE, by=cast.commander)
    monkeypatch.setattr(relay_health, "STALE_SECONDS", 60.0)
    await relay_health.beat()  # the relay is back
    received = [await communicator.receive_from(timeout=3) for _ in range(2)]
    assert any('id="event-2"' in m and "Triage" in m for m in received)
    assert 'data-state="live"' in received[-1] or 'data-state="live"' in received[0]
    await communicator.disconnect()


async def test_an_open_page_hears_a_beat_when_nothing_changes(cast, incident, monkeypatch):
    from incidents.realtime import hub

    monkeypatch.setattr(hub, "BEAT_SECONDS", 0.1)
    communicator = await _connect(f"/ws/incidents/{incident.reference}/", cast.responder)
    await communicator.send_to(text_data=json.dumps({"after": 1}))
    assert await communicator.receive_from(timeout=2) == hub.BEAT
    dashboard = await _connect("/ws/dashboard/", cast.responder)
    assert await dashboard.receive_from(timeout=2) == hub.BEAT
    for socket in (communicator, dashboard):
        await socket.disconnect()
