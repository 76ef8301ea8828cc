"""One listener per web process for every incident page open in it.

The relay announces "incident X is at seq N" to the incident's group. Instead of every
socket joining that group (one channel-layer message and one render per viewer per
change), the process joins it once. On an announcement the incident's hub computes the
next frame for all its sockets in one go (realtime/frames.py: one gate statement, one
drawing per role set and zone) and hands each socket its bytes. Bursts are coalesced:
at most one frame per incident every INTERVAL seconds, always drawn from the latest
state, and catch-up by seq stays exact because each socket's position is kept here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from incidents.realtime.frames import Frame, Revisions, Watcher, incident_frames
from incidents.realtime.groups import incident_group

log = logging.getLogger(__name__)
INTERVAL = 0.2  # seconds between two frames of one incident
RETRY = 1.0  # seconds before drawing again after a failure (database away)

# What a socket is handed: the frame's html, or None for "the gate refused: close".
Deliver = Callable[[str | None], Awaitable[None]]


@dataclass(eq=False)
class Socket:
    user_id: int
    zone: str
    deliver: Deliver
    after_seq: int = 0
    revisions: Revisions | None = None
    ready: bool = False  # told its position yet ({"after": n})

    def watcher(self) -> Watcher:
        return Watcher(self.user_id, self.after_seq, self.revisions, self.zone)


@dataclass(eq=False)
class IncidentHub:
    incident_id: int
    sockets: set[Socket] = field(default_factory=set)
    last_drawn: float = 0.0
    pending: asyncio.Task[None] | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def poke(self) -> None:
        """Something changed (or a socket needs catching up): draw soon, once."""
        if self.pending is None or self.pending.done():
            self.pending = asyncio.ensure_future(self._draw_after_interval())

    async def _draw_after_interval(self) -> None:
        delay = self.last_drawn + INTERVAL - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        self.pending = None  # a change from now on schedules the next frame
        async with self.lock:
            self.last_drawn = time.monotonic()
            asked = [(s, s.watcher()) for s in self.sockets if s.ready]
            if not asked:
                return
            try:
                frames = await database_sync_to_async(incident_frames)(
                    self.incident_id, [watcher for _, watcher in asked]
                )
            except Exception:
                log.exception("drawing frames for incident %s failed; retrying", self.incident_id)
                await asyncio.sleep(RETRY)
                self.poke()
                return
        for socket, watcher in asked:
            if socket in self.sockets:
                await self._hand(socket, watcher, frames[watcher])

    async def _hand(self, socket: Socket, watcher: Watcher, frame: Frame | None) -> None:
        if frame is None:
            self.sockets.discard(socket)
            await socket.deliver(None)
            return
        if socket.watcher() != watcher:
            return  # the page told a new position meanwhile: its own frame is coming
        socket.after_seq, socket.revisions = frame.seq, frame.revisions
        if frame.html:
            await socket.deliver(frame.html)
        if frame.behind:
            self.last_drawn = 0.0  # catching up is not a burst to slow down
            self.poke()


class Station:
    """The process's one channel on the layer, a member of the group of every incident
    with an open page here."""

    def __init__(self) -> None:
        self.hubs: dict[int, IncidentHub] = {}
        self.channel: str | None = None
        self.listener: asyncio.Task[None] | None = None
        self.layer = get_channel_layer()

    async def join(self, incident_id: int, socket: Socket) -> None:
        if self.layer is None:
            raise RuntimeError("no channel layer configured")
        if self.channel is None:
            self.channel = await self.layer.new_channel()
            self.listener = asyncio.ensure_future(self._listen())
        hub = self.hubs.get(incident_id)
        if hub is None:
            hub = self.hubs[incident_id] = IncidentHub(incident_id)
            await self.layer.group_add(incident_group(incident_id), self.channel)
        hub.sockets.add(socket)

    def position(self, incident_id: int, socket: Socket, after_seq: int) -> None:
        """The page says where its timeline stands: from here on it is caught up exactly."""
        hub = self.hubs.get(incident_id)
        if hub is None or socket not in hub.sockets:
            return
        socket.after_seq, socket.revisions, socket.ready = after_seq, None, True
        hub.poke()

    async def leave(self, incident_id: int, socket: Socket) -> None:
        hub = self.hubs.get(incident_id)
        if hub is None:
            return
        hub.sockets.discard(socket)
        if hub.sockets:
            return
        del self.hubs[incident_id]
        if hub.pending is not None:
            hub.pending.cancel()
        if self.layer is not None and self.channel is not None:
            await self.layer.group_discard(incident_group(incident_id), self.channel)
        if not self.hubs:
            await self._stop()

    async def _stop(self) -> None:
        listener, self.listener, self.channel = self.listener, None, None
        if listener is not None:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
        _stations.pop(asyncio.get_running_loop(), None)

    async def _listen(self) -> None:
        assert self.layer is not None and self.channel is not None
        channel = self.channel
        while True:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the channel layer failed; listening again in %ss", RETRY)
                await asyncio.sleep(RETRY)
                continue
            hub = self.hubs.get(message.get("incident_id", -1))
            if message.get("type") == "incident.event" and hub is not None:
                hub.poke()


# One station per event loop (a web process has one; tests start one per test).
_stations: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Station] = (
    weakref.WeakKeyDictionary()
)


def station() -> Station:
    loop = asyncio.get_running_loop()
    found = _stations.get(loop)
    if found is None:
        found = _stations[loop] = Station()
    return found
