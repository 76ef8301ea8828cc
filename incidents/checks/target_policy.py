"""Where outbound checks may go: server-side request forgery is the risk.

Only hosts on the admin's allow-list (CHECK_TARGET_ALLOWLIST), after DNS resolution; never
link-local or cloud metadata addresses, whatever the list says. Each redirect hop is
checked again, and the connection goes to the address that was checked (no re-resolution
between check and connect)."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

ALWAYS_REFUSED_NETWORKS = [
    ipaddress.ip_network(n)
    for n in (
        "169.254.0.0/16",
        "fe80::/10",
        "fd00:ec2::254/128",
        "100.100.100.200/32",
        "0.0.0.0/8",
        "224.0.0.0/4",
        "ff00::/8",
    )
]
ALWAYS_REFUSED_HOSTS = {"metadata.google.internal", "metadata", "instance-data"}


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    address: str
    path: str


def not_allowed(host: str) -> str:
    """Why a host is refused, in a responder's words (the setting is named for the admin)."""
    return (
        f"Checks may only call the hosts your administrators allowed, and {host} is not one "
        "of them. Use an allowed host, or ask an admin to add it to the check targets "
        "(CHECK_TARGET_ALLOWLIST)."
    )


def allowlist() -> list[str]:
    return [entry.lower() for entry in getattr(settings, "CHECK_TARGET_ALLOWLIST", [])]


def _host_allowed(host: str, entries: list[str]) -> bool:
    for entry in entries:
        if entry.startswith("*.") and host.endswith(entry[1:]):
            return True
        if host == entry:
            return True
    return False


def _address_allowed(address: str, entries: list[str]) -> bool:
    ip = ipaddress.ip_address(address)
    for entry in entries:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def check_url_shape(url: str) -> None:
    """Static checks a form can make before saving (no DNS)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValidationError("Only http:// and https:// targets can be checked.")
    host = (parts.hostname or "").lower()
    if not host:
        raise ValidationError("The URL has no host.")
    if parts.username or parts.password:
        raise ValidationError("Put no credentials in the URL.")
    if host in ALWAYS_REFUSED_HOSTS:
        raise ValidationError(f"{host} is a cloud metadata host and is never checked.")
    entries = allowlist()
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        _refuse_forbidden(str(literal))
        if not _address_allowed(str(literal), entries) and host not in entries:
            raise ValidationError(not_allowed(host))
    elif not _host_allowed(host, entries):
        raise ValidationError(not_allowed(host))


def _refuse_forbidden(address: str) -> None:
    ip = ipaddress.ip_address(address)
    if any(ip in network for network in ALWAYS_REFUSED_NETWORKS):
        raise ValidationError(
            f"{address} is a link-local, metadata or reserved address and is never checked."
        )


def resolve(url: str) -> Target:
    """Check the URL against the policy and resolve it to the one address to connect to."""
    check_url_shape(url)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise ValidationError(f"{host} does not resolve: {error}") from None
    addresses = sorted({str(info[4][0]) for info in infos})
    for address in addresses:
        _refuse_forbidden(address)  # any answer in a forbidden range refuses the whole host
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    return Target(parts.scheme, host, port, addresses[0], path)
