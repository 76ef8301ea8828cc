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
from django.template.loader import render_to_string

from incidents.realtime import relay_health
from incidents.realtime.frames import DETAIL, Frame, Revisions, Watcher, incident_frames
from incidents.realtime.groups import incident_group

log = logging.getLogger(__name__)
INTERVAL = 0.2  # seconds between two frames of one incident
RETRY = 1.0  # seconds before drawing or listening again after a failure
REJOIN_SECONDS = 600.0
# A word every BEAT_SECONDS to every open page, so a page can tell a quiet incident from a
# silent server (static/app.js reconnects after a few missed beats).
BEAT = "<!-- beat -->"
BEAT_SECONDS = 5.0

# What a socket is handed: the frame's html, or None for "the gate refused: close".
Deliver = Callable[[str | None], Awaitable[None]]
# Said on the page while this process cannot tell it about changes, and when it can again:
# a page never says "Live" while nothing reaches it.
STALE = (
    "stale",
    "Not receiving changes: the server cannot read the record or its message bus right "
    "now. Retrying; what you see may be out of date.",
)
LIVE = ("live", "Live")
RELAY_DOWN = (
    "stale",
    "Not receiving changes: the service that announces them is not running or cannot "
    "reach the record. What you see may be out of date; this page catches up by itself "
    "when it is back.",
)


def live_state(state: tuple[str, str]) -> str:
    return render_to_string(f"{DETAIL}#live-state", {"state": state[0], "text": state[1]})


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
    stale: bool = False  # the pages were told they are not receiving
    relay_ok: Callable[[], bool] = lambda: True

    async def tell(self, state: tuple[str, str]) -> None:
        """Every ready page's live marker, now (no database needed)."""
        self.stale = state is not LIVE
        html = live_state(state)
        for socket in [s for s in self.sockets if s.ready]:
            await socket.deliver(html)

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
                if not self.stale:
                    await self.tell(STALE)
                await asyncio.sleep(RETRY)
                self.poke()
                return
        if self.stale and self.relay_ok():
            await self.tell(LIVE)
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
        self.keeper: asyncio.Task[None] | None = None
        self.watcher: asyncio.Task[None] | None = None
        self.beater: asyncio.Task[None] | None = None
        self.relay_up = True
        self.bus_failing = False  # the channel layer's server cannot be reached
        self.recovery: asyncio.Task[None] | None = None
        self.layer = get_channel_layer()

    async def join(self, incident_id: int, socket: Socket) -> None:
        if self.layer is None:
            raise RuntimeError("no channel layer configured")
        if self.channel is None:
            self.channel = await self.layer.new_channel()
            self.listener = asyncio.ensure_future(self._listen())
            self.keeper = asyncio.ensure_future(self._keep_joined())
            self.watcher = asyncio.ensure_future(self._watch_relay())
            self.beater = asyncio.ensure_future(self._beat())
        hub = self.hubs.get(incident_id)
        if hub is None:
            hub = self.hubs[incident_id] = IncidentHub(incident_id)
            hub.relay_ok = lambda: self.relay_up and not self.bus_failing
            try:
                await self.layer.group_add(incident_group(incident_id), self.channel)
            except Exception:
                # The message bus is away: the socket stays open and is told so when it
                # says where it stands; the listener joins every group again when the bus
                # is back (_rejoin) and catches the page up.
                log.warning("could not join the group of incident %s", incident_id)
                await self._bus_lost()
                if self.recovery is None or self.recovery.done():
                    self.recovery = asyncio.ensure_future(self._until_rejoined())
        hub.sockets.add(socket)

    async def position(self, incident_id: int, socket: Socket, after_seq: int) -> None:
        """The page says where its timeline stands: from here on it is caught up exactly."""
        hub = self.hubs.get(incident_id)
        if hub is None or socket not in hub.sockets:
            return
        socket.after_seq, socket.revisions, socket.ready = after_seq, None, True
        if self.bus_failing:
            hub.stale = True
            await socket.deliver(live_state(STALE))
        elif not self.relay_up:
            await socket.deliver(live_state(RELAY_DOWN))
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
            try:
                await self.layer.group_discard(incident_group(incident_id), self.channel)
            except Exception:
                # The layer is away: announcements for this incident reach a station
                # with no hub for it, which ignores them; the membership expires.
                log.warning("could not leave the group of incident %s", incident_id)
        if not self.hubs:
            await self._stop()

    async def _stop(self) -> None:
        tasks = (self.listener, self.keeper, self.watcher, self.beater, self.recovery)
        self.listener = self.keeper = self.watcher = self.beater = self.channel = None
        self.recovery = None
        for task in tasks:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
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
                log.exception("the channel layer failed; trying again in %ss", RETRY)
                await self._bus_lost()
                await asyncio.sleep(RETRY)
                if await self._rejoin():
                    self._bus_back()
                continue
            hub = self.hubs.get(message.get("incident_id", -1))
            if message.get("type") == "incident.event" and hub is not None:
                hub.poke()

    async def _until_rejoined(self) -> None:
        """After a failed join: join every group again once the bus is back, then catch
        the pages up (the listener does the same when its own receive fails)."""
        while not await self._rejoin():
            await asyncio.sleep(RETRY)
        self._bus_back()

    async def _bus_lost(self) -> None:
        """Every open page is told, once, that it is not receiving."""
        if self.bus_failing:
            return
        self.bus_failing = True
        for quiet in list(self.hubs.values()):
            await quiet.tell(STALE)

    def _bus_back(self) -> None:
        """Announcements may have been lost meanwhile (and a restarted Redis forgot the
        groups): every page catches up by seq; the draw tells it "Live" again."""
        self.bus_failing = False
        for behind in list(self.hubs.values()):
            behind.poke()

    async def _rejoin(self) -> bool:
        """Join every group again (refreshing the layer's expiry of memberships, and
        restoring them after a Redis restart); False while the layer still fails."""
        if self.layer is None or self.channel is None:
            return False
        try:
            for incident_id in list(self.hubs):
                await self.layer.group_add(incident_group(incident_id), self.channel)
        except Exception:
            log.warning("the channel layer is still failing", exc_info=True)
            return False
        return True

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(BEAT_SECONDS)
            for hub in list(self.hubs.values()):
                for socket in [s for s in hub.sockets if s.ready]:
                    await socket.deliver(BEAT)

    async def _watch_relay(self) -> None:
        """Tell the pages when the relay stops beating, and catch them up when it is back."""
        since = time.time()
        while True:
            await asyncio.sleep(relay_health.BEAT_SECONDS)
            up = await relay_health.alive(since)
            if up == self.relay_up:
                continue
            self.relay_up = up
            for hub in list(self.hubs.values()):
                if up:
                    hub.poke()  # what was missed, then "Live"
                else:
                    await hub.tell(RELAY_DOWN)

    async def _keep_joined(self) -> None:
        """A page open for days must not drop out of its group when the layer's membership
        expiry (a day in channels-redis) passes."""
        while True:
            await asyncio.sleep(REJOIN_SECONDS)
            await self._rejoin()


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
