"""The fail-safe Redis cache answers like an empty cache when Redis cannot be reached."""

import logging
import socket
import time
from collections.abc import Iterator

import pytest

from romsie.core import versions
from romsie.core.cache_backends import FailSafeRedisCache


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cache_at(port: int, **options: float) -> FailSafeRedisCache:
    return FailSafeRedisCache(
        f"redis://127.0.0.1:{port}/0",
        {"KEY_PREFIX": f"test-{port}", "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3, **options}},
    )


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers, like a hung Redis."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield int(sock.getsockname()[1])


def test_every_operation_behaves_like_a_miss_when_nothing_listens(caplog):
    cache = cache_at(free_port())
    with caplog.at_level(logging.ERROR, logger="romsie.core.cache_backends"):
        assert cache.get("k") is None
        assert cache.get("k", "default") == "default"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.get_or_set("k", 1) == 1
        assert cache.add("k", 1) is False
        assert cache.has_key("k") is False
        assert cache.touch("k") is False
        assert cache.delete("k") is False
        assert cache.set("k", 1) is None
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.delete_many(["a"]) is None
        with pytest.raises(ValueError):
            cache.incr("k")
        assert cache.clear() is None
    # Logged once, not once per call.
    assert [r.levelno for r in caplog.records] == [logging.ERROR]


def test_version_stamps_read_zero_and_bumps_do_nothing_when_redis_is_down(settings):
    port = free_port()
    settings.CACHES = {
        "default": {
            "BACKEND": "romsie.core.cache_backends.FailSafeRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }
    versions.bump(versions.Kind.USER, 1)
    assert versions.stamp(versions.key(versions.Kind.USER, 1)) == (0,)


def test_a_hung_redis_slows_one_call_then_is_skipped(silent_server):
    cache = cache_at(silent_server)
    started = time.monotonic()
    assert cache.get("k") is None
    first = time.monotonic() - started
    started = time.monotonic()
    for _ in range(20):
        assert cache.get("k") is None
    assert first < 2
    assert time.monotonic() - started < 0.1
