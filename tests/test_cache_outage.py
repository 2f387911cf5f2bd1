"""A Redis outage costs speed, not pages: a real redis-server is started, used, then killed.

The test starts its own ``redis-server`` on a free port (never the machine's), points the
cache at it, browses as a teacher, kills the server and browses again: every page still
answers, sign-in still works and is still throttled, and only the readiness check says
the cache is degraded.
"""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis
from django.test import Client, override_settings
from django.urls import reverse

from romsie.core.testing.factories import TEST_PASSWORD

REDIS_SERVER = shutil.which("redis-server")

PAGES = [
    "core:dashboard",
    "notifications:notification-list",
    "directory:person-search",
    "messaging:inbox",
    "news:item-list",
    "timetable:week",
    "homework:todo",
    "identity:profile",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def redis_server() -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A redis-server of this test only, on a free port, without persistence."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url, socket_timeout=0.5).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def sign_in(client: Client, username: str, password: str = TEST_PASSWORD):
    return client.post(reverse("identity:sign-in"), {"username": username, "password": password})


def statuses(client: Client) -> dict[str, int]:
    return {name: client.get(reverse(name)).status_code for name in PAGES}


def test_pages_sign_in_and_throttling_survive_a_redis_outage(world, redis_server):
    process, url = redis_server
    caches = {
        "default": {
            "BACKEND": "romsie.core.cache_backends.FailSafeRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "romsie-test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
    all_ok = dict.fromkeys(PAGES, 200)
    with override_settings(CACHES=caches):
        teacher = Client()
        assert sign_in(teacher, "teacher.a").status_code == 302
        assert statuses(teacher) == all_ok
        assert statuses(teacher) == all_ok  # from the cache this time
        assert redis.Redis.from_url(url).dbsize() > 0  # the pages did use Redis
        ready = teacher.get(reverse("core:readiness"))
        assert (ready.status_code, ready.json()["cache"]) == (200, "ok")

        process.kill()
        process.wait(timeout=10)

        assert statuses(teacher) == all_ok
        # Writes that bump version stamps answer too.
        assert teacher.post(reverse("identity:profile"), {"email": "", "language": "en"}).status_code == 302
        # Sign-in works, and is still throttled.
        head = Client()
        assert sign_in(head, "head.a").status_code == 302
        assert head.get(reverse("core:dashboard")).status_code == 200
        attacker = Client()
        for _ in range(5):
            sign_in(attacker, "parent.a", "wrong password")
        assert sign_in(attacker, "parent.a").status_code == 429
        # Liveness stays up for the load balancer; readiness names the degraded cache.
        assert teacher.get(reverse("core:health")).status_code == 200
        ready = teacher.get(reverse("core:readiness"))
        assert ready.status_code == 503
        assert ready.json() == {"status": "degraded", "database": "ok", "cache": "degraded"}
