"""The real gunicorn with the production worker: past capacity, its main thread answers 503 at once."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(port: int, path: str) -> tuple[int, dict[str, str], float]:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, dict(response.getheaders()), time.monotonic() - started
    finally:
        connection.close()


@pytest.fixture
def server() -> Iterator[int]:
    """gunicorn with one worker of one thread, a place for one page, and no wait for a place."""
    port = free_port()
    env = dict(os.environ, ROMSIE_MAX_IN_FLIGHT="1", ROMSIE_CAPACITY_WAIT_MS="0", PYTHONPATH=str(BASE_DIR))
    process = subprocess.Popen(  # noqa: S603 (our own command line, no input)
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "romsie.core.tests.slow_wsgi:app",
            "--worker-class",
            "config.workers.SheddingThreadWorker",
            "--workers",
            "1",
            "--threads",
            "1",
            "--keep-alive",
            "0",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                get(port, "/sante/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(10)


def test_a_page_past_capacity_gets_503_from_the_main_thread_health_checks_wait_their_turn(server: int) -> None:
    slow: dict[str, int] = {}
    holder = threading.Thread(target=lambda: slow.update(status=get(server, "/lent/")[0]))
    holder.start()
    time.sleep(0.3)  # the only thread now serves the slow page

    status, headers, seconds = get(server, "/tableau/")
    assert status == 503
    assert headers["Retry-After"] == "2"
    assert seconds < 0.3  # not after the slow page: the main thread answered it

    # A health check is never refused: it waits for the thread and is served.
    status, _, seconds = get(server, "/sante/")
    assert status == 200

    holder.join(5)
    assert slow["status"] == 200
    assert get(server, "/tableau/")[0] == 200  # room again: served
