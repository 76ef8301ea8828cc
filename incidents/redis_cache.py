"""Django's Redis cache as an accelerator: one client (and connection pool) per process and
server, and never a reason for a request to fail.

Django keeps cache objects per async context, so under ASGI every request built a new
RedisCache with a new connection pool, and opened a new TCP connection to Redis (Redis's
connection counter rose by one per request); it also builds a redis.Redis object per
cache call. redis-py clients are thread-safe over their pool and re-create it after a
fork, so one per server and process is enough.

When the Redis server is away, reads miss and writes are dropped (logged at most every
10 s per process): nothing Breachroom keeps in the cache is needed for a right answer
(shared renderings are drawn again, sessions live in the database, the relay's heartbeat
is read as "not beating"). allauth's rate limits then let requests through; sign-in
throttling stays on, in the database (django-axes).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

log = logging.getLogger(__name__)
UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
T = TypeVar("T")
_said_at = 0.0

_clients: dict[str, Any] = {}
_lock = threading.Lock()


class SharedClient(RedisCacheClient):
    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django: Any = self  # the private attributes below are not in django-stubs
        url = django._servers[django._get_connection_pool_index(write)]
        client = _clients.get(url)
        if client is None:
            with _lock:
                client = _clients.get(url)
                if client is None:
                    pool = django._pool_class.from_url(url, **django._pool_options)
                    client = _clients[url] = django._client(connection_pool=pool)
        return client


def _or(fallback: T, call: Callable[[], T]) -> T:
    """`call`'s result, or `fallback` when the Redis server cannot be reached."""
    global _said_at
    try:
        return call()
    except UNAVAILABLE:
        if time.monotonic() - _said_at > 10:
            _said_at = time.monotonic()
            log.warning("the cache server is unavailable; working without it", exc_info=True)
        return fallback


class SharedRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClient

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return _or(default, lambda: RedisCache.get(self, key, default, version))

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return _or({}, lambda: RedisCache.get_many(self, keys, version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return _or(False, lambda: RedisCache.has_key(self, key, version))

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        _or(None, lambda: RedisCache.set(self, key, value, timeout, version))

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return _or(list(data), lambda: RedisCache.set_many(self, data, timeout, version))

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        # Taken as added: a lock kept in the cache (allauth's rate limits) opens rather
        # than refusing everyone while the server is away.
        return _or(True, lambda: RedisCache.add(self, key, value, timeout, version))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return _or(False, lambda: RedisCache.touch(self, key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return _or(False, lambda: RedisCache.delete(self, key, version))

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        _or(None, lambda: RedisCache.delete_many(self, keys, version))
