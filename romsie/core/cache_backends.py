"""A Redis cache that answers like an empty cache while Redis cannot be reached.

Everything the ENT keeps in the cache (scopes, widgets, version stamps, calendar feeds)
can be computed again, so a Redis outage must cost speed, not pages. Django's
``RedisCache`` raises on a connection error; ``FailSafeRedisCache`` logs the error (once
a minute at most per process) and answers like a miss: ``get`` returns the default,
``set`` stores nothing, ``incr`` raises ``ValueError`` as for a missing key. After an
error it stops calling Redis for ``RETRY_SECONDS``, so a Redis that hangs slows at most
one request in that time, not every cache call of every page.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Errors that mean "Redis is not there", as opposed to a bug in what we asked of it.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_SECONDS = 5.0
LOG_EVERY_SECONDS = 60.0


class _Outage:
    """The state of one Redis location, shared by every thread of the process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.logged_at = float("-inf")
        self.errors_since_log = 0


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_of(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client that builds one ``redis.Redis`` per connection pool, not one per call.

    Django makes a new ``redis.Redis`` for every cache operation, and redis-py's constructor
    rebuilds its table of ~170 response callbacks each time: a third of a millisecond of
    CPU per operation, a few milliseconds per page. A ``redis.Redis`` is safe to share
    between threads (each command borrows a connection from the pool) and the pool itself
    notices a fork, so one per pool is enough.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django_client: Any = self  # Django's client is untyped: its pools and Redis class are private
        pool = django_client._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), django_client._client(connection_pool=pool))
        return client


class FailSafeRedisCache(RedisCache):
    """Django's ``RedisCache`` that behaves like a miss, or does nothing, when Redis is unreachable."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._outage = _outage_of(server if isinstance(server, str) else ",".join(server))

    def _call(self, operation: Callable[[], T], fallback: T) -> T:
        outage = self._outage
        if time.monotonic() < outage.down_until:
            return fallback
        try:
            return operation()
        except UNREACHABLE as error:
            self._record(error)
            return fallback

    def _record(self, error: Exception) -> None:
        outage = self._outage
        now = time.monotonic()
        with outage.lock:
            outage.down_until = now + RETRY_SECONDS
            outage.errors_since_log += 1
            if now - outage.logged_at < LOG_EVERY_SECONDS:
                return
            count, outage.errors_since_log, outage.logged_at = outage.errors_since_log, 0, now
        logger.error(
            "Cache unreachable (%s: %s); pages are computed without it (%d error(s) since the last report).",
            type(error).__name__,
            error,
            count,
        )

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call(lambda: super(FailSafeRedisCache, self).add(key, value, timeout, version), False)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call(lambda: super(FailSafeRedisCache, self).get(key, default, version), default)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._call(lambda: super(FailSafeRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call(lambda: super(FailSafeRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._call(lambda: super(FailSafeRedisCache, self).delete(key, version), False)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self._call(lambda: super(FailSafeRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._call(lambda: super(FailSafeRedisCache, self).has_key(key, version), False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        missing = object()
        result = self._call(lambda: super(FailSafeRedisCache, self).incr(key, delta, version), missing)
        if result is missing:
            # As for a key that is not there: callers already handle this case.
            raise ValueError(f"Key '{key}' not found (cache unreachable).")
        return result  # type: ignore[return-value]

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return self._call(lambda: super(FailSafeRedisCache, self).set_many(data, timeout, version), list(data))

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        self._call(lambda: super(FailSafeRedisCache, self).delete_many(keys, version), None)

    def clear(self) -> None:
        self._call(lambda: super(FailSafeRedisCache, self).clear(), None)
