"""The outbox relay: nothing skipped under out-of-order commits, real Redis layer, one
active relay at a time on PostgreSQL."""

from __future__ import annotations

import asyncio
import threading
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import close_old_connections, transaction

from incidents.models import EventOutbox, Status
from incidents.realtime.groups import incident_group
from incidents.realtime.relay import publish_pending, run_relay
from incidents.realtime.relay_lock import relay_lock
from incidents.services.incidents import transition
from tests.factories import make_incident
from tests.services import require_postgres, require_redis

pytestmark = pytest.mark.django_db(transaction=True)


async def _listen(group: str):
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    return layer, channel


async def test_published_events_leave_the_outbox(cast, incident):
    layer, channel = await _listen(incident_group(incident.pk))
    assert await publish_pending() == 1
    message = await asyncio.wait_for(layer.receive(channel), 1)
    assert message == {"type": "incident.event", "incident_id": incident.pk, "seq": 1}
    assert not await database_sync_to_async(EventOutbox.objects.exists)()


async def test_a_batch_sends_one_frame_per_incident_with_its_latest_seq(cast, incident):
    for status in (Status.TRIAGE, Status.CONTAINMENT):
        await database_sync_to_async(transition)(incident=incident, to=status, by=cast.commander)
    layer, channel = await _listen(incident_group(incident.pk))
    assert await publish_pending() == 3
    assert (await asyncio.wait_for(layer.receive(channel), 1))["seq"] == 3


def test_an_event_committed_after_a_later_one_is_still_published(cast):
    """Auto-increment ids commit out of order; a 'highest id published' relay would skip
    the slow transaction's event. The outbox does not."""
    require_postgres()
    first, second = make_incident(by=cast.commander), make_incident(by=cast.commander)
    asyncio.run(publish_pending())
    slow_has_written, release_slow = threading.Event(), threading.Event()

    def slow_transaction():
        with transaction.atomic():
            transition(incident=first, to=Status.TRIAGE, by=cast.commander)  # lower outbox id
            slow_has_written.set()
            release_slow.wait(5)
        close_old_connections()

    worker = threading.Thread(target=slow_transaction)
    worker.start()
    assert slow_has_written.wait(5)
    transition(incident=second, to=Status.TRIAGE, by=cast.commander)  # higher id, commits first
    published: list[tuple[int, int]] = []

    async def publish_and_record():
        layer = get_channel_layer()
        channels = {}
        for incident in (first, second):
            channels[incident.pk] = await layer.new_channel()
            await layer.group_add(incident_group(incident.pk), channels[incident.pk])
        await publish_pending()
        release_slow.set()
        await asyncio.to_thread(worker.join, 5)
        await publish_pending()
        for pk, channel in channels.items():
            message = await asyncio.wait_for(layer.receive(channel), 1)
            published.append((pk, message["seq"]))

    asyncio.run(publish_and_record())
    assert sorted(published) == sorted([(first.pk, 2), (second.pk, 2)])
    assert not EventOutbox.objects.exists()


@pytest.mark.real_channel_layer
async def test_the_relay_publishes_through_channels_redis(settings, cast, incident):
    require_redis()
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [settings.REDIS_URL], "prefix": f"test-{uuid.uuid4().hex[:8]}"},
        }
    }
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    layer, channel = await _listen(incident_group(incident.pk))
    stop = asyncio.Event()
    relay = asyncio.create_task(run_relay(stop))
    try:
        message = await asyncio.wait_for(layer.receive(channel), 3)
        assert message["seq"] == 1
    finally:
        stop.set()
        await asyncio.wait_for(relay, 5)
        channel_layers.backends.clear()


async def test_only_one_relay_holds_the_lock(cast):
    require_postgres()
    async with relay_lock() as first:
        assert first
        async with relay_lock() as second:
            assert not second
    async with relay_lock() as again:
        assert again


async def test_the_active_relay_is_woken_by_the_commit_of_an_event(cast, incident):
    """PostgreSQL: the relay's lock connection LISTENs; each transaction that appends an
    event NOTIFYs once at commit, so the relay need not find it by polling."""
    require_postgres()
    async with relay_lock() as held:
        assert held
        await database_sync_to_async(transition)(
            incident=incident, to=Status.TRIAGE, by=cast.commander
        )
        listening = held._connection
        received = await asyncio.to_thread(
            lambda: [n.channel for n in listening.notifies(timeout=5, stop_after=1)]
        )
    assert received == ["breachroom_outbox"]


async def test_the_relay_survives_losing_its_database_and_publishes_what_came_meanwhile(
    cast, incident, monkeypatch
):
    """Taking the lock fails (the database is away) twice: the relay never exits, tries
    again with backoff, and then publishes every event committed meanwhile."""
    from contextlib import asynccontextmanager

    from django.db import OperationalError

    from incidents.realtime import relay
    from incidents.realtime.relay_lock import HeldLock

    monkeypatch.setattr(relay, "RETRY_FIRST", 0.01)
    attempts = {"n": 0}

    @asynccontextmanager
    async def flaky_lock():
        attempts["n"] += 1
        if attempts["n"] <= 2:
            raise OperationalError("connection to server at 127.0.0.1 failed")
        yield HeldLock(None)

    layer, channel = await _listen(incident_group(incident.pk))
    await database_sync_to_async(transition)(incident=incident, to=Status.TRIAGE, by=cast.commander)
    stop = asyncio.Event()
    running = asyncio.ensure_future(run_relay(stop, lock_factory=flaky_lock))
    try:
        message = await asyncio.wait_for(layer.receive(channel), 5)
        assert message["seq"] == 2 and attempts["n"] == 3
        assert not running.done()  # still publishing, not exited
    finally:
        stop.set()
        await asyncio.wait_for(running, 5)


async def test_a_relay_that_cannot_read_the_outbox_stops_beating(monkeypatch):
    """Its lock may look held while the database is away; the heartbeat the pages trust
    is only given after a batch went through, so they are told they are not live."""
    from contextlib import asynccontextmanager

    from django.db import OperationalError

    from incidents.realtime import relay, relay_health
    from incidents.realtime.relay_lock import HeldLock

    beats: list[float] = []
    reachable = {"db": False}

    async def beat() -> None:
        beats.append(asyncio.get_running_loop().time())

    async def publish() -> int:
        if not reachable["db"]:
            raise OperationalError("server closed the connection unexpectedly")
        return 0

    @asynccontextmanager
    async def lock():
        yield HeldLock(None)

    monkeypatch.setattr(relay_health, "beat", beat)
    monkeypatch.setattr(relay, "publish_pending", publish)
    monkeypatch.setattr(relay, "_sleep_or_stop", lambda stop, seconds: asyncio.sleep(0.01))
    stop = asyncio.Event()
    running = asyncio.ensure_future(run_relay(stop, lock_factory=lock))
    try:
        await asyncio.sleep(0.3)
        assert beats == []  # failing batches: no beat
        reachable["db"] = True
        await asyncio.sleep(0.3)
        assert len(beats) == 1  # the first batch through: a beat
    finally:
        stop.set()
        await asyncio.wait_for(running, 5)
