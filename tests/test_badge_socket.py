"""The unread badge pushed over its own socket (realtime/badge.py), through Channels'
WebsocketCommunicator and the real channel layer: only the person's own count, behind the
gate on every push."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from incidents.services.notifications import mark_all_read, notify
from tests.test_consumers import _closed_with, _connect

pytestmark = pytest.mark.django_db(transaction=True)
PATH = "/ws/notifications/"


async def _badge(communicator) -> str:
    return await communicator.receive_from(timeout=3)


def _tell(user, incident) -> None:
    notify(user=user, incident=incident, text=f"{incident.reference}: a step for you")


async def test_a_notification_reaches_the_badge_at_once_and_reading_clears_it(cast, incident):
    socket = await _connect(PATH, cast.responder)
    first = await _badge(socket)
    assert 'id="notifications-link"' in first and "unread" not in first
    await database_sync_to_async(_tell)(cast.responder, incident)
    pushed = await _badge(socket)
    assert 'aria-label="1 unread"' in pushed
    assert incident.title not in pushed  # the count only, never what it is about
    await database_sync_to_async(mark_all_read)(user=cast.responder)
    assert "unread" not in await _badge(socket)
    await socket.disconnect()


async def test_someone_elses_notification_sends_nothing(cast, incident):
    socket = await _connect(PATH, cast.responder)
    await _badge(socket)
    await database_sync_to_async(_tell)(cast.commander, incident)
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()


async def test_without_a_session_the_badge_socket_is_closed_with_4401():
    socket = await _connect(PATH)
    assert await _closed_with(socket) == 4401


async def test_a_person_whose_roles_are_taken_away_gets_4403_and_no_count(cast, incident):
    socket = await _connect(PATH, cast.responder)
    await _badge(socket)
    await database_sync_to_async(cast.responder.groups.clear)()
    await database_sync_to_async(_tell)(cast.responder, incident)  # not told: cannot see it
    from incidents.realtime.badge import nudge

    await database_sync_to_async(nudge)(cast.responder.pk)
    assert await _closed_with(socket) == 4403


async def test_the_badge_socket_asks_nothing_of_the_browser(cast):
    socket = await _connect(PATH, cast.responder)
    await _badge(socket)
    await socket.send_to(text_data='{"after": 1}')
    assert await _closed_with(socket) == 4400
