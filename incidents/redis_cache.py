"""Django's Redis cache with one client (and connection pool) per process and server.

Django keeps cache objects per async context, so under ASGI every request built a new
RedisCache with a new connection pool, and opened a new TCP connection to Redis (Redis's
connection counter rose by one per request); it also builds a redis.Redis object per
cache call. redis-py clients are thread-safe over their pool and re-create it after a
fork, so one per server and process is enough.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

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


class SharedRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClient
