"""Websocket consumers through Channels' WebsocketCommunicator, with the relay publishing."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from incidents.models import Status
from incidents.realtime.asgi import websocket_application
from incidents.realtime.relay import publish_pending
from incidents.services.incidents import transition
from tests.factories import make_incident

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://localhost")
HOST = (b"host", b"localhost")


def _session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def _connect(path: str, user=None, origin=ORIGIN) -> WebsocketCommunicator:
    cookie = await database_sync_to_async(_session_cookie)(user) if user is not None else None
    return await _connect_with(path, cookie, origin)


async def _connect_with(path: str, cookie: bytes | None, origin=ORIGIN) -> WebsocketCommunicator:
    """A handshake carrying this session cookie (None: no session)."""
    headers = [HOST, origin] if origin else [HOST]
    if cookie is not None:
        headers.append((b"cookie", cookie))
    communicator = WebsocketCommunicator(websocket_application(), path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def _closed_with(communicator: WebsocketCommunicator) -> int:
    message = await communicator.receive_output(timeout=2)
    assert message["type"] == "websocket.close"
    return message["code"]


async def test_a_socket_without_a_session_is_closed_with_4401(incident):
    communicator = await _connect(f"/ws/incidents/{incident.reference}/")
    assert await _closed_with(communicator) == 4401


async def test_a_user_without_access_is_closed_with_4403(cast, restricted):
    communicator = await _connect(f"/ws/incidents/{restricted.reference}/", cast.outsider)
    assert await _closed_with(communicator) == 4403


async def test_an_unknown_incident_is_closed_with_4403(cast):
    communicator = await _connect("/ws/incidents/INC-1999-0001/", cast.admin)
    assert await _closed_with(communicator) == 4403


async def test_a_cross_origin_connect_is_refused_at_the_handshake(cast, incident):
    cookie = await database_sync_to_async(_session_cookie)(cast.responder)
    communicator = WebsocketCommunicator(
        websocket_application(),
        f"/ws/incidents/{incident.reference}/",
        headers=[HOST, (b"origin", b"https://evil.example"), (b"cookie", cookie)],
    )
    connected, _ = await communicator.connect()
    assert not connected


@pytest.mark.parametrize(
    ("origin", "scheme"),
    [
        (b"https://localhost", "ws"),  # another scheme than the socket's
        (b"http://localhost:8080", "ws"),  # another port
        (b"http://localhost", "wss"),  # a plain page opening a TLS socket
        (b"null", "ws"),
    ],
)
async def test_an_origin_must_match_scheme_and_host_not_host_alone(cast, incident, origin, scheme):
    cookie = await database_sync_to_async(_session_cookie)(cast.responder)
    communicator = WebsocketCommunicator(
        websocket_application(),
        f"/ws/incidents/{incident.reference}/",
        headers=[HOST, (b"origin", origin), (b"cookie", cookie)],
    )
    communicator.scope["scheme"] = scheme
    connected, _ = await communicator.connect()
    assert not connected


async def test_a_member_catches_up_from_the_sequence_it_sends(cast, restricted):
    await database_sync_to_async(transition)(
        incident=restricted, to=Status.TRIAGE, by=cast.commander
    )
    communicator = await _connect(f"/ws/incidents/{restricted.reference}/", cast.responder)
    await communicator.send_to(text_data=json.dumps({"after": 1}))
    frame = await communicator.receive_from(timeout=2)
    assert 'id="event-2"' in frame and 'id="event-1"' not in frame
    assert 'data-seq="2"' in frame and 'hx-swap-oob="afterbegin:#timeline"' in frame
    assert "moved the incident from New to Triage" in frame
    await communicator.disconnect()


async def test_a_status_change_reaches_an_open_socket_through_the_relay(cast, incident):
    communicator = await _connect(f"/ws/incidents/{incident.reference}/", cast.auditor)
    await communicator.send_to(text_data=json.dumps({"after": 1}))
    assert await communicator.receive_nothing(timeout=0.2)
    await database_sync_to_async(transition)(incident=incident, to=Status.TRIAGE, by=cast.responder)
    assert await publish_pending() >= 1
    frame = await communicator.receive_from(timeout=2)
    assert '<header hx-swap-oob="true" id="incident-header"' in frame
    assert "Triage" in frame and 'id="event-2"' in frame
    assert "<form" not in frame  # the auditor's own rendering: no transition form
    await communicator.disconnect()


async def test_events_already_sent_are_not_sent_twice(cast, incident):
    communicator = await _connect(f"/ws/incidents/{incident.reference}/", cast.responder)
    await communicator.send_to(text_data=json.dumps({"after": 0}))
    assert 'id="event-1"' in await communicator.receive_from(timeout=2)
    await publish_pending()  # republishes seq 1: at-least-once delivery
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


async def test_a_malformed_message_closes_with_4400(cast, incident):
    communicator = await _connect(f"/ws/incidents/{incident.reference}/", cast.responder)
    await communicator.send_to(text_data='{"after": "lots"}')
    assert await _closed_with(communicator) == 4400


async def test_losing_access_mid_session_closes_with_4403(cast, restricted):
    communicator = await _connect(f"/ws/incidents/{restricted.reference}/", cast.responder)
    await communicator.send_to(text_data=json.dumps({"after": 1}))
    await database_sync_to_async(restricted.members.remove)(cast.responder)
    await database_sync_to_async(transition)(
        incident=restricted, to=Status.TRIAGE, by=cast.commander
    )
    await publish_pending()
    assert await _closed_with(communicator) == 4403


async def test_the_dashboard_prepends_new_incidents_the_user_may_see(cast):
    communicator = await _connect("/ws/dashboard/", cast.outsider)
    await database_sync_to_async(make_incident)(by=cast.commander, title="Visible one")
    await database_sync_to_async(make_incident)(
        by=cast.commander, title="Hidden one", restricted=True
    )
    await publish_pending()
    frame = await communicator.receive_from(timeout=2)
    assert 'hx-swap-oob="afterbegin:#incident-rows"' in frame and "Visible one" in frame
    assert "Hidden one" not in frame
    # The count and the pages moved: the page is told to ask for its results again.
    assert 'id="list-stale" hx-swap-oob="true" data-new="1" data-gone="0"' in frame
    await communicator.disconnect()


def _session_cookie_waiting_for_mfa(user) -> bytes:
    from incidents.signin import mfa_policy

    client = Client()
    client.force_login(user)
    session = client.session
    session[mfa_policy.SESSION_KEY] = mfa_policy.ENROL
    session.save()
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def test_a_session_still_to_enrol_a_second_factor_gets_no_frames(cast, incident):
    cookie = await database_sync_to_async(_session_cookie_waiting_for_mfa)(cast.commander)
    communicator = await _connect_with(f"/ws/incidents/{incident.reference}/", cookie)
    assert await _closed_with(communicator) == 4401


async def test_a_session_signed_out_everywhere_stops_receiving(cast, incident, monkeypatch):
    from incidents.realtime import consumers
    from incidents.signin.sessions import store

    monkeypatch.setattr(consumers, "SESSION_RECHECK", 0)
    cookie = await database_sync_to_async(_session_cookie)(cast.responder)
    communicator = await _connect_with(f"/ws/incidents/{incident.reference}/", cookie)
    await communicator.send_to(text_data=json.dumps({"after": 1}))
    key = cookie.decode().split("=", 1)[1]
    await database_sync_to_async(lambda: store(key).delete())()
    await database_sync_to_async(transition)(incident=incident, to=Status.TRIAGE, by=cast.commander)
    assert await publish_pending() >= 1
    assert await _closed_with(communicator) == 4401


@pytest.mark.real_channel_layer
async def test_an_incident_socket_stays_open_when_the_message_bus_is_away(settings, cast, incident):
    """The socket has no channel of its own (the hub listens for it): with the layer's
    server unreachable it is not torn down and the page is told it is not receiving; when
    the server comes back the page is told "Live" again, by itself."""
    import asyncio
    import subprocess

    from channels.layers import channel_layers

    from tests.processes import free_port

    port = free_port()
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{port}/0"]},
        }
    }
    channel_layers.backends.clear()
    server = None
    try:
        communicator = await _connect(f"/ws/incidents/{incident.reference}/", cast.responder)
        await communicator.send_to(text_data=json.dumps({"after": 0}))
        assert 'data-state="stale"' in await _said_until(communicator, 'data-state="stale"')
        server = subprocess.Popen(
            ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        said = await _said_until(communicator, 'data-state="live"', timeout=15)
        assert 'data-state="live"' in said and f'id="event-{incident.event_seq}"' in said
        await communicator.disconnect()
    finally:
        channel_layers.backends.clear()
        if server is not None:
            server.kill()
            await asyncio.to_thread(server.wait, 10)


async def _said_until(communicator: WebsocketCommunicator, needle: str, timeout: float = 10):
    said = ""
    while needle not in said:
        message = await communicator.receive_output(timeout=timeout)
        assert message["type"] == "websocket.send", message
        said += message.get("text", "")
    return said
