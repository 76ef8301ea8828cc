"""Django's SMTP backend, keeping what the server answered to each message's data.

A delivery attempt is recorded with the server's own reply ("250 2.0.0 Ok: queued as
4Xk…"), the receipt a mail administrator can look up; Django's backend drops it.
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail.backends.smtp import EmailBackend as DjangoSmtpBackend


class _Recording:
    last_reply: str = ""

    def data(self, msg: Any) -> tuple[int, bytes]:
        code, reply = super().data(msg)  # type: ignore[misc]
        self.last_reply = f"{code} {reply.decode(errors='replace')}"
        return code, reply


class RecordingSMTP(_Recording, smtplib.SMTP):
    pass


class RecordingSMTPSSL(_Recording, smtplib.SMTP_SSL):
    pass


class EmailBackend(DjangoSmtpBackend):
    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return RecordingSMTPSSL if self.use_ssl else RecordingSMTP

    def last_reply(self) -> str:
        return str(getattr(self.connection, "last_reply", ""))
