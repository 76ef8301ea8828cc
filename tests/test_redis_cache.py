"""One Redis client per process and server, whichever thread or request asks."""

import threading

import pytest
from django.conf import settings

from incidents.redis_cache import SharedRedisCache

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL")


def test_caches_built_in_other_threads_share_one_client_and_work():
    clients = []

    def build() -> None:
        cache = SharedRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-shared-client"})
        cache.set("k", "v", 5)
        clients.append((cache._cache.get_client(), cache.get("k")))

    threads = [threading.Thread(target=build) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(client) for client, _ in clients}) == 1
    assert [value for _, value in clients] == ["v", "v", "v"]
