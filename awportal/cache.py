"""Django's Redis cache, keeping one Redis client per connection pool.

Django's client builds a new redis.Redis around its pool for every cache call, and redis-py sets up its
response callbacks and event dispatcher each time: that cost more than the call itself, about 0.3 ms
on every request that reads its session (issue 15). A redis.Redis is safe to share between threads; its
connections still come from the pool, one per call in flight.
"""

from __future__ import annotations

from django.core.cache.backends import redis


class _RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _RedisCacheClient
