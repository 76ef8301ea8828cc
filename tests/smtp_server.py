"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, or refuses it;
it can also keep a message and wait before answering (a sender killed meanwhile has had
its message taken without hearing so)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller

from tests.processes import free_port


class Mailbox:
    def __init__(self, refuse_with: str = "") -> None:
        self.messages: list[Message] = []
        self.refuse_with = refuse_with
        self.answer_after = 0.0  # seconds between keeping a message and saying so

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse_with:
            return self.refuse_with
        self.messages.append(message_from_bytes(envelope.content))
        await asyncio.sleep(self.answer_after)
        return "250 OK"


@contextmanager
def smtp_server(settings, refuse_with: str = "") -> Iterator[Mailbox]:
    mailbox = Mailbox(refuse_with)
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "incidents.notices.smtp_backend.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield mailbox
    finally:
        controller.stop()
