"""The embedded default's broker: kombu's filesystem transport, made safe for several
processes (web, worker, beat) on one queue folder.

kombu creates a message file under its final name and then writes into it, so a worker
listing the folder in between moves and reads a half-written file and dies on the JSON
(kombu issue 1551). Here a message is written under a name no reader looks at and renamed
into place (atomic on one filesystem), and a file that still cannot be read is set aside
with a log line instead of stopping the worker."""

from __future__ import annotations

import logging
import os
import uuid
from time import monotonic
from typing import Any

from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.json import dumps

log = logging.getLogger(__name__)
SCHEME = "breachroom-files"


class Channel(filesystem.Channel):
    # The filesystem transport's own signature (its stubs ignore the same mismatch).
    def _put(self, queue: str, payload: dict[str, Any], **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.part")  # never listed as .msg
        with open(partial, "wb") as handle:
            handle.write(dumps(payload).encode())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, final)

    def _get(self, queue: str, timeout: float | None = None) -> Any:
        while True:
            try:
                return super()._get(queue)
            except ValueError:  # not JSON: written by something else; skip it, keep working
                log.error("an unreadable message in queue %s was set aside", queue)


class Transport(filesystem.Transport):
    Channel = Channel


TRANSPORT_ALIASES[SCHEME] = f"{__name__}:Transport"
