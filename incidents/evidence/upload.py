"""Uploads streamed to a temporary file while their SHA-256 is computed, stopped the moment
one passes the size limit: a file is never held whole in memory, and an over-size one never
fills the disk."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse


class TooLarge(StopUpload):
    """The upload passed the limit; what was received so far is thrown away."""


class HashingUploadHandler(TemporaryFileUploadHandler):
    # 1 MiB pieces rather than Django's 64 KiB: a sixteenth of the parser's per-piece work
    # on a large file, and still nothing like the file in memory.
    chunk_size = 1024 * 1024

    def __init__(self, request: Any, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.digest = hashlib.sha256()
        self.received = 0
        self.too_large = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.digest, self.received = hashlib.sha256(), 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            self.file.close()  # the temporary file is deleted with it
            raise TooLarge(connection_reset=False)  # read the rest, keep none: a clear answer
        self.digest.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int) -> UploadedFile | None:
        done = super().file_complete(file_size)
        if done is not None:
            done.sha256 = self.digest.hexdigest()  # type: ignore[attr-defined]
        return done


# The evidence page's upload (views/evidence.py); its handler must be in place before any
# middleware reads the body (the NUL check, the CSRF check), hence a middleware of its own.
UPLOAD_PATH = re.compile(r"^/incidents/[^/]+/evidence/$")


class EvidenceUploadMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and UPLOAD_PATH.match(request.path_info):
            request.upload_handlers = [HashingUploadHandler(request, settings.EVIDENCE_MAX_BYTES)]
        return self.get_response(request)


def handler_of(request: HttpRequest) -> HashingUploadHandler | None:
    found = [h for h in request.upload_handlers if isinstance(h, HashingUploadHandler)]
    return found[0] if found else None
