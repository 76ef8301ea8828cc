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


def test_a_value_set_without_a_timeout_keeps_the_default_one():
    cache = SharedRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-default-ttl"})
    cache.set("k", "v")
    client = cache._cache.get_client()
    assert 0 < client.ttl(cache.make_and_validate_key("k")) <= 300  # Django's default


def test_with_its_server_away_the_cache_misses_and_drops_writes():
    from tests.processes import free_port

    away = SharedRedisCache(f"redis://127.0.0.1:{free_port()}/0", {})
    assert away.get("k", "fallback") == "fallback" and away.get_many(["k"]) == {}
    away.set("k", "v")
    assert away.set_many({"a": 1}) == ["a"]  # not kept, as Django reports it
    assert away.add("lock", True) is True  # a lock in the cache opens
    assert away.has_key("k") is False and away.delete("k") is False
