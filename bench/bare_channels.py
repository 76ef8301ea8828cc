"""The floor for live updates: a bare Channels app with no session, no database and no
access check. One consumer joins one group and forwards what is sent to it, over the
same Redis channel layer Breachroom uses. `bench/live.py` runs it with uvicorn beside
Breachroom, so both are measured on the same machine in the same run."""

from __future__ import annotations

import os

import django
from django.conf import settings

GROUP = "bare"

if not settings.configured:
    settings.configure(
        INSTALLED_APPS=["channels"],
        CHANNEL_LAYERS={
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [os.environ["REDIS_URL"]], "prefix": "bare"},
            }
        },
    )
    django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter  # noqa: E402


class Forward(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def bare_frame(self, message: dict) -> None:
        await self.send(text_data=message["html"])


application = ProtocolTypeRouter({"websocket": Forward.as_asgi()})
