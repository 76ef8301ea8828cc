"""The relay as its own process (what production runs) loses PostgreSQL for 15 s, through a
proxy the test cuts (every connection dropped, new ones refused; the machine's shared
server is never touched). It must not exit, and every event committed before, during and
after the outage must reach the channel layer, with nothing left in the outbox."""

from __future__ import annotations

import asyncio
import time

import pytest
from channels.db import database_sync_to_async
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.db import connection

from bench.cuttable_proxy import CuttableProxy
from incidents import process_commands
from incidents.models import EventOutbox, Incident
from incidents.realtime.groups import incident_group
from incidents.services.notes import add_note
from tests.processes import Stack, database_url
from tests.services import require_postgres, require_redis

pytestmark = pytest.mark.django_db(transaction=True)

OUTAGE_SECONDS = 15
RECOVERY_TARGET = 30  # seconds after the database's return (issue 14)


async def _latest_seq(layer: RedisChannelLayer, channel: str, wanted: int, timeout: float) -> int:
    """Read the group's messages until one carries `wanted` (or a later seq)."""
    deadline = time.monotonic() + timeout
    seen = 0
    while seen < wanted:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        try:
            message = await asyncio.wait_for(layer.receive(channel), left)
        except TimeoutError:
            break
        seen = max(seen, int(message.get("seq", 0)))
    return seen


def _note(incident: Incident, by, n: int) -> int:
    add_note(incident=incident, body=f"note {n}", by=by)
    return Incident.objects.values_list("event_seq", flat=True).get(pk=incident.pk)


async def _outbox_empties(incident: Incident) -> bool:
    """The relay deletes a row just after publishing it."""
    for _ in range(50):
        if not await EventOutbox.objects.filter(incident_id=incident.pk).aexists():
            return True
        await asyncio.sleep(0.1)
    return False


def _other_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def _sessions_gone(baseline: int) -> None:
    """The relay's server sessions end once the proxy dropped them; wait for that, so the
    test database can be dropped at the end of the run."""
    deadline = time.monotonic() + 10
    while _other_sessions() > baseline and time.monotonic() < deadline:
        time.sleep(0.1)


async def test_the_relay_process_survives_a_15_second_database_stop(cast, incident):
    require_postgres()
    require_redis()
    db = connection.settings_dict
    proxy = CuttableProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    stack = Stack(RELAY_IN_PROCESS="false")
    port = str(db["PORT"] or 5432)
    stack.env["DATABASE_URL"] = database_url().replace(f":{port}/", f":{proxy.port}/")
    layer = RedisChannelLayer(hosts=[settings.REDIS_URL], prefix=stack.env["CHANNEL_PREFIX"])
    channel = await layer.new_channel()
    await layer.group_add(incident_group(incident.pk), channel)
    note = database_sync_to_async(_note)
    baseline = await database_sync_to_async(_other_sessions)()
    try:
        relay = stack.start("relay", process_commands.relay())
        await asyncio.to_thread(stack.wait_for_log, "relay", "relay started")
        before = await note(incident, cast.responder, 0)
        assert await _latest_seq(layer, channel, before, 10) == before

        proxy.cut()
        for n in range(1, 6):  # responders keep writing: the test's own connection is direct
            during = await note(incident, cast.responder, n)
        await asyncio.sleep(OUTAGE_SECONDS)
        assert relay.poll() is None, stack.log_text("relay")[-3000:]
        assert await EventOutbox.objects.filter(incident_id=incident.pk).acount() > 0

        proxy.restore()
        back = time.monotonic()
        assert await _latest_seq(layer, channel, during, RECOVERY_TARGET) == during
        recovered = time.monotonic() - back
        after = await note(incident, cast.responder, 6)
        assert await _latest_seq(layer, channel, after, 10) == after
        assert recovered < RECOVERY_TARGET
        assert relay.poll() is None  # never exited
        assert "retrying" in stack.log_text("relay")  # it did lose its database
        assert await _outbox_empties(incident)
    finally:
        stack.stop_all()
        proxy.close()
        await layer.flush()
        await database_sync_to_async(_sessions_gone)(baseline)
