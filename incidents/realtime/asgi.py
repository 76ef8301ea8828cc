"""Assembles the ASGI application, and runs the relay in-process when so placed."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.conf import settings

from incidents.realtime.relay import run_relay
from incidents.realtime.routing import websocket_urlpatterns

log = logging.getLogger(__name__)


class LifespanRelay:
    """ASGI lifespan handler: starts the relay at startup, stops it at shutdown."""

    def __init__(self, app: Any, *, relay_in_process: bool) -> None:
        self.app = app
        self.relay_in_process = relay_in_process

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        stop = asyncio.Event()
        task: asyncio.Task | None = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.relay_in_process:
                    task = asyncio.create_task(run_relay(stop))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                stop.set()
                if task is not None:
                    await asyncio.wait([task], timeout=5)
                await send({"type": "lifespan.shutdown.complete"})
                return


def websocket_application() -> Any:
    """Origin checked against ALLOWED_HOSTS (a cross-site page cannot ride the session
    cookie), then the session, then the consumer's own access gate."""
    return AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))


def build_application(http_app: Any) -> LifespanRelay:
    router = ProtocolTypeRouter({"http": http_app, "websocket": websocket_application()})
    return LifespanRelay(router, relay_in_process=settings.RELAY_IN_PROCESS)
