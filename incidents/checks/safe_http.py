"""Bounded HTTP requests for checks, through the target policy at every hop."""

from __future__ import annotations

import http.client
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

from incidents.checks.target_policy import Target, resolve

MAX_REDIRECTS = 3
USER_AGENT = "Breachroom-check/1"


@dataclass
class Response:
    status: int
    elapsed_ms: int
    hops: list[str] = field(default_factory=list)


def request(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    timeout: float = 5.0,
    body: bytes | None = None,
) -> Response:
    """One request, following at most MAX_REDIRECTS redirects, each re-checked. A request
    with a body is never redirected: where it was meant to go is where it goes."""
    started = time.monotonic()
    hops: list[str] = []
    for _ in range(MAX_REDIRECTS + 1):
        target = resolve(url)
        hops.append(f"{method} {url} -> {target.address}")
        status, location = _send(target, method, headers or {}, timeout, body)
        if body is None and status in (301, 302, 303, 307, 308) and location:
            url = urljoin(url, location)
            method = "GET" if status == 303 else method
            continue
        return Response(status, round((time.monotonic() - started) * 1000), hops)
    raise ConnectionError(f"more than {MAX_REDIRECTS} redirects")


def _send(
    target: Target, method: str, headers: dict[str, str], timeout: float, body: bytes | None = None
) -> tuple[int, str]:
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        context = ssl.create_default_context()
        connection = _PinnedHTTPS(
            target.address, target.port, target.host, timeout=timeout, context=context
        )
    else:
        connection = http.client.HTTPConnection(target.address, target.port, timeout=timeout)
    try:
        connection.request(
            method,
            target.path,
            body=body,
            headers={"Host": target.host, "User-Agent": USER_AGENT, **headers},
        )
        response = connection.getresponse()
        response.read(65536)  # bounded: a check needs the status, not the body
        return response.status, response.getheader("Location", "")
    finally:
        connection.close()


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a pre-resolved address, verifying the certificate for the real host name."""

    def __init__(
        self, address: str, port: int, server_name: str, *, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(address, port, timeout=timeout, context=context)
        self._server_name = server_name

    def connect(self) -> None:
        http.client.HTTPConnection.connect(self)
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self._server_name)  # type: ignore[attr-defined]
