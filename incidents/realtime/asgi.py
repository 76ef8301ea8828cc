"""Assembles the ASGI application, and runs the relay in-process when so placed."""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urlsplit

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

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


def same_origin(scope: dict) -> bool:
    """The page that opens the socket is this site: its Origin has the scheme and host the
    socket was opened on (https for wss), and that host is one we serve. Host alone would
    let an http page of the same name (or another port) ride the session cookie."""
    headers = dict(scope.get("headers") or [])
    origin = headers.get(b"origin", b"").decode("latin-1").strip()
    host = headers.get(b"host", b"").decode("latin-1").strip().lower()
    if not origin or not host:
        return False
    parsed = urlsplit(origin)
    scheme = "https" if scope.get("scheme") == "wss" else "http"
    domain, _port = split_domain_port(host)
    return (
        parsed.scheme == scheme
        and parsed.netloc.lower() == host
        and bool(domain)
        and validate_host(domain, settings.ALLOWED_HOSTS)
    )


class SameOriginValidator:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not same_origin(scope):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.app(scope, receive, send)


def websocket_application() -> Any:
    """Origin checked against the socket's own scheme and host (a cross-site page cannot
    ride the session cookie), then the session, then the consumer's own access gate."""
    return SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))


def build_application(http_app: Any) -> LifespanRelay:
    router = ProtocolTypeRouter({"http": http_app, "websocket": websocket_application()})
    return LifespanRelay(router, relay_in_process=settings.RELAY_IN_PROCESS)
