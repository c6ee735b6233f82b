import threading

import pytest

from awportal.cache import RedisCache

REDIS_URL = "redis://127.0.0.1:6379/10"


@pytest.fixture
def cache():
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": "test-cache"})
    cache.clear()
    yield cache
    cache.clear()


def test_values_go_through_redis_and_back(cache):
    cache.set("answer", {"n": 42}, 30)

    assert cache.get("answer") == {"n": 42}
    assert RedisCache(REDIS_URL, {"KEY_PREFIX": "test-cache"}).get("answer") == {"n": 42}  # another process's view


def test_every_call_uses_the_same_client_and_pool(cache):
    cache.get("x")

    assert cache._cache.get_client(write=True) is cache._cache.get_client("x")


def test_threads_sharing_the_client_each_get_their_own_values(cache):
    failures = []

    def work(n: int) -> None:
        for i in range(50):
            cache.set(f"k{n}", i, 30)
            if cache.get(f"k{n}") != i:
                failures.append((n, i))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
