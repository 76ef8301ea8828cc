"""Websocket consumers: push only. Each checks the access gate on connect and before every
frame, and closes with 4401 (no session) or 4403 (no access to this incident)."""

from __future__ import annotations

import asyncio
import json
import random
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from incidents.access import gate
from incidents.realtime import badge, frames, hub
from incidents.realtime.groups import DASHBOARD, person_group
from incidents.realtime.hub import Deliver, Socket, station
from incidents.signin import mfa_policy
from incidents.signin.sessions import expired, store
from incidents.user_zone import zone_of

CLOSE_NO_SESSION = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_BAD_MESSAGE = 4400
SESSION_RECHECK = 30  # seconds


def _zone_name(scope: dict) -> str:
    """The zone this person's page shows times in (the session is read from the store)."""
    return str(zone_of(scope.get("session"), scope.get("cookies", {})))


def _session_usable(scope: dict) -> bool:
    """The socket's session still stands: not signed out (here or everywhere), not past its
    idle or absolute limit, and not waiting for a second factor to be enrolled."""
    key = getattr(scope.get("session"), "session_key", None)
    if not key:
        return False
    session = store(key)  # read afresh: the socket's copy is from its handshake
    if not session.exists(key):
        return False
    return not expired(session, int(time.time())) and not mfa_policy.pending(session)


def _incident_id_for(user: Any, reference: str) -> int | None:
    found = gate(user, reference=reference)
    return None if found is None else found.incident_id


class _AuthenticatedConsumer(AsyncWebsocketConsumer):
    tz = "UTC"
    session_checked_at = 0.0
    recheck_spread = 1.0

    async def _authenticated_user(self) -> Any | None:
        user = self.scope.get("user")
        usable = user is not None and user.is_authenticated
        if usable:
            usable = await database_sync_to_async(_session_usable)(self.scope)
        if not usable:
            # Accept first so the browser sees our close code rather than a failed handshake.
            await self.accept()
            await self.close(code=CLOSE_NO_SESSION)
            return None
        self.session_checked_at = time.monotonic()
        self.recheck_spread = random.uniform(0.75, 1.25)  # noqa: S311 - spreading load, not a secret
        self.tz = await database_sync_to_async(_zone_name)(self.scope)
        return user

    async def _session_still_usable(self) -> bool:
        """Checked again at most every SESSION_RECHECK seconds: a session signed out
        elsewhere stops receiving within that time (the access gate runs on every frame)."""
        # Spread over ±25 %: sockets opened together must not all read their sessions on
        # the same frame (a thousand reads queued ahead of that frame's delivery).
        if time.monotonic() - self.session_checked_at < SESSION_RECHECK * self.recheck_spread:
            return True
        self.session_checked_at = time.monotonic()
        if await database_sync_to_async(_session_usable)(self.scope):
            return True
        await self.close(code=CLOSE_NO_SESSION)
        return False


class IncidentConsumer(_AuthenticatedConsumer):
    """Live view of one incident. The browser sends {"after": <last seq seen>} on every
    (re)connect; from then on the process's hub for the incident (realtime/hub.py) hands
    this socket every later event and changed section, gated for this person each time."""

    # Frames come through the process's hub, which listens once per incident: this socket
    # needs no channel of its own (an alias with no layer gives it none), so a message bus
    # outage leaves it open instead of failing its receive loop.
    channel_layer_alias = "hub-only"
    incident_id: int | None = None
    socket: Socket | None = None
    sender: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        user = await self._authenticated_user()
        if user is None:
            return
        reference = self.scope["url_route"]["kwargs"]["reference"]
        incident_id = await database_sync_to_async(_incident_id_for)(user, reference)
        await self.accept()
        if incident_id is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        outbox: asyncio.Queue[str | None] = asyncio.Queue()
        self.incident_id = incident_id
        self.socket = Socket(user_id=user.pk, zone=self.tz, deliver=self._enqueue(outbox))
        self.sender = asyncio.ensure_future(self._send_from(outbox))
        await station().join(incident_id, self.socket)

    @staticmethod
    def _enqueue(outbox: asyncio.Queue[str | None]) -> Deliver:
        async def deliver(html: str | None) -> None:
            outbox.put_nowait(html)

        return deliver

    async def _send_from(self, outbox: asyncio.Queue[str | None]) -> None:
        """Frames go out in order from this one task; None means the gate refused."""
        while True:
            html = await outbox.get()
            if html is None:
                await self.close(code=CLOSE_FORBIDDEN)
                return
            if not await self._session_still_usable():
                return
            await self.send(text_data=html)

    async def disconnect(self, code: int) -> None:
        if self.sender is not None:
            self.sender.cancel()
        if self.incident_id is not None and self.socket is not None:
            await station().leave(self.incident_id, self.socket)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            after = json.loads(text_data or "")["after"]
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                raise ValueError
        except (ValueError, KeyError, TypeError):
            await self.close(code=CLOSE_BAD_MESSAGE)
            return
        if self.incident_id is not None and self.socket is not None:
            await station().position(self.incident_id, self.socket, after)


class DashboardConsumer(_AuthenticatedConsumer):
    """Live incident list: changed rows re-rendered, new incidents prepended. The browser
    sends {"filters": "<its query string>"} so rows follow what that page is showing."""

    filters = ""
    beater: asyncio.Task[None] | None = None

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(hub.BEAT_SECONDS)
            await self.send(text_data=hub.BEAT)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            filters = json.loads(text_data or "")["filters"]
            if not isinstance(filters, str) or len(filters) > 4000:
                raise ValueError
        except (ValueError, KeyError, TypeError):
            await self.close(code=CLOSE_BAD_MESSAGE)
            return
        self.filters = filters

    async def connect(self) -> None:
        if await self._authenticated_user() is None:
            return
        await self.channel_layer.group_add(DASHBOARD, self.channel_name)
        await self.accept()
        self.beater = asyncio.ensure_future(self._beat())

    async def disconnect(self, code: int) -> None:
        if self.beater is not None:
            self.beater.cancel()
        await self.channel_layer.group_discard(DASHBOARD, self.channel_name)

    async def dashboard_changed(self, message: dict) -> None:
        if not await self._session_still_usable():
            return
        html = await database_sync_to_async(frames.dashboard_rows)(
            user=self.scope["user"],
            incident_ids=message["incident_ids"],
            opened_ids=message["opened_ids"],
            filters=self.filters,
            tz=self.tz,
        )
        if html:
            await self.send(text_data=html)


class BadgeConsumer(_AuthenticatedConsumer):
    """A person's unread badge, pushed when their notifications change (realtime/badge.py).
    Each push passes the gate: the session still stands, and the person may still use
    Breachroom (else 4403); nothing about any incident is sent, only the count."""

    group = ""

    async def connect(self) -> None:
        user = await self._authenticated_user()
        if user is None:
            return
        self.group = person_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.badge_changed({})  # what is true now, in case a nudge came meanwhile

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.close(code=CLOSE_BAD_MESSAGE)  # push only: nothing is asked of it

    async def badge_changed(self, message: dict) -> None:
        if not await self._session_still_usable():
            return
        html = await database_sync_to_async(badge.badge_for)(self.scope["user"].pk)
        if html is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send(text_data=html)
