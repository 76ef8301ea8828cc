"""A local HTTP server that plays the SCENARIO's internal endpoint: open, then patched,
rate-limited after a burst, slow when asked, and accepting or refusing an old key."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class EndpointState:
    patched: bool = False
    rate_limit_after: int | None = None
    delay_seconds: float = 0.0
    old_key: str = "old-key-123"
    old_key_revoked: bool = False
    redirect_to: str = ""
    hits: int = 0
    seen_headers: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(state: EndpointState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with state.lock:
                state.hits += 1
                hits = state.hits
                state.seen_headers.append(dict(self.headers))
            if state.delay_seconds:
                time.sleep(state.delay_seconds)
            if state.redirect_to:
                self._answer(302, location=state.redirect_to)
            elif state.rate_limit_after is not None and hits > state.rate_limit_after:
                self._answer(429)
            elif self.path.startswith("/probe"):
                presented = self.headers.get("Authorization", "")
                ok = presented == state.old_key and not state.old_key_revoked
                self._answer(200 if ok else 401)
            else:
                self._answer(401 if state.patched else 200)

        do_HEAD = do_GET

        def _answer(self, status: int, location: str = "") -> None:
            body = b'{"items": ["internal"]}' if status == 200 else b""
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client killed mid-request (the point of some tests) is not an error here


@contextmanager
def scenario_endpoint() -> Iterator[tuple[str, EndpointState]]:
    state = EndpointState()
    server = _QuietServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
