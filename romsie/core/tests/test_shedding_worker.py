"""The real gunicorn with the production worker: past capacity, its doorman answers 503 at once."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


@contextlib.contextmanager
def serving(*, threads: int, workers: int = 1, **env: str) -> Iterator[int]:
    """gunicorn with ``workers`` workers of ``threads`` threads and the capacity settings ``env``."""
    port = free_port()
    environment = dict(os.environ, PYTHONPATH=str(BASE_DIR), **env)
    process = subprocess.Popen(  # noqa: S603 (our own command line, no input)
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "romsie.core.tests.slow_wsgi:app",
            "--worker-class",
            "config.workers.SheddingThreadWorker",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--keep-alive",
            "0",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=BASE_DIR,
        env=environment,
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


@pytest.fixture
def server() -> Iterator[int]:
    """One thread, a place for one page, and no wait for a place."""
    with serving(threads=1, ROMSIE_MAX_IN_FLIGHT="1", ROMSIE_CAPACITY_WAIT_MS="0") as port:
        yield port


def test_a_page_past_capacity_gets_503_from_the_doorman_health_checks_wait_their_turn(server: int) -> None:
    slow: dict[str, int] = {}
    holder = threading.Thread(target=lambda: slow.update(status=get(server, "/lent/")[0]))
    holder.start()
    time.sleep(0.3)  # the only thread now serves the slow page

    status, headers, seconds = get(server, "/tableau/")
    assert status == 503
    assert headers["Retry-After"] == "2"
    assert seconds < 0.3  # not after the slow page: the doorman answered it

    # A health check is never refused: it waits for the thread and is served.
    status, _, seconds = get(server, "/sante/")
    assert status == 200

    holder.join(5)
    assert slow["status"] == 200
    assert get(server, "/tableau/")[0] == 200  # room again: served


def post(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", path, body=b"", headers={"Content-Length": "0"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_with_the_place_taken_and_the_queue_full_the_doorman_refuses_though_threads_are_free() -> None:
    settings = {"ROMSIE_MAX_IN_FLIGHT": "1", "ROMSIE_CAPACITY_QUEUE": "1", "ROMSIE_CAPACITY_WAIT_MS": "3000"}
    with serving(threads=4, **settings) as port:
        results: dict[str, int] = {}
        holder = threading.Thread(target=lambda: results.update(slow=get(port, "/lent/")[0]))
        holder.start()
        time.sleep(0.3)  # the one place is taken for a second
        waiter = threading.Thread(target=lambda: results.update(waited=get(port, "/tableau/")[0]))
        waiter.start()
        time.sleep(0.3)  # and the one place of the queue

        status, headers, seconds = get(port, "/tableau/")
        assert status == 503
        assert headers["Retry-After"] == "2"
        assert "Server" not in headers  # the doorman's fixed answer, not a thread's
        assert seconds < 0.3
        # A sign-in has its own places: it goes to a thread and is served.
        assert post(port, "/compte/connexion/") == 200

        holder.join(5)
        waiter.join(5)
        assert results == {"slow": 200, "waited": 200}  # the queued page was served once the place freed


def raw_get(port: int, path: str) -> tuple[int, bool]:
    """One GET on a fresh connection, written at once: its status, and whether a thread answered."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].lower()
    return int(head.split()[1]), b"\r\nserver:" in head


def test_a_burst_past_capacity_is_refused_by_the_doorman_and_a_waiting_page_holds_no_thread() -> None:
    """Twenty pages at once while the one place is taken: the queue's one place waits, held by
    the doorman (no thread taken: a health check is served at once by the other thread), and
    is served once the place frees; every other page gets the doorman's 503."""
    settings = {"ROMSIE_MAX_IN_FLIGHT": "1", "ROMSIE_CAPACITY_QUEUE": "1", "ROMSIE_CAPACITY_WAIT_MS": "8000"}
    with serving(threads=2, **settings) as port:
        results: dict[str, int] = {}
        holder = threading.Thread(target=lambda: results.update(slow=get(port, "/tres-lent/")[0]))
        holder.start()
        time.sleep(0.3)  # the one place (and one of the two threads) is taken for three seconds

        answers: list[tuple[int, bool]] = []
        burst = [threading.Thread(target=lambda: answers.append(raw_get(port, "/tableau/"))) for _ in range(20)]
        for thread in burst:
            thread.start()
        time.sleep(0.3)
        status, _, seconds = get(port, "/sante/")
        assert (status, seconds < 1.0) == (200, True)  # the other thread was free: not after the slow page

        for thread in burst:
            thread.join(15)
        holder.join(5)
        assert len(answers) == 20
        assert answers.count((200, True)) == 1  # the queue's place: served once the slow page ended
        assert answers.count((503, False)) == 19  # the doorman's fixed answer, no thread taken
        assert results == {"slow": 200}


def test_past_capacity_a_connection_that_sends_nothing_is_closed_after_the_wait_for_a_request() -> None:
    """The doorman awaits its request, not forever: gunicorn's wait for a request (5 s)."""
    with serving(threads=2, ROMSIE_MAX_IN_FLIGHT="1", ROMSIE_CAPACITY_QUEUE="0") as port:
        holder = threading.Thread(target=lambda: get(port, "/interminable/"))
        holder.start()
        time.sleep(0.3)  # the one place is taken for eight seconds
        with socket.create_connection(("127.0.0.1", port), timeout=9) as silent:
            started = time.monotonic()
            assert silent.recv(1) == b""  # closed by the server, nothing answered
            assert time.monotonic() - started < 9
        assert get(port, "/sante/")[0] == 200  # the server is fine
        holder.join(15)


def children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as listing:
        return [int(child) for child in listing.read().split()]


def running(pid: int) -> bool:
    """True while ``pid`` is a live process (not gone, not a zombie waiting to be reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def worker_pid(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/processus/")
        return int(connection.getresponse().read())
    finally:
        connection.close()


def eventually(check: Any, seconds: float = 15) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        try:
            result = check()
        except OSError:
            result = None
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the processes from /proc (Linux)")
def test_a_doorman_lives_and_dies_with_its_worker() -> None:
    """A worker whose doorman dies stops and is replaced, with a doorman of its own; a doorman
    whose worker dies exits; the server serves on."""
    with serving(threads=2) as port:
        worker = worker_pid(port)
        (doorman,) = children(worker)
        os.kill(doorman, signal.SIGKILL)
        replaced = eventually(lambda: (pid := worker_pid(port)) != worker and pid)
        assert replaced and not eventually(lambda: running(worker), seconds=0)
        (new_doorman,) = children(replaced)

        os.kill(replaced, signal.SIGKILL)  # as gunicorn's master does to a worker past its time-out
        assert eventually(lambda: not running(new_doorman))
        assert eventually(lambda: worker_pid(port) not in (worker, replaced))
        assert get(port, "/sante/")[0] == 200


def test_the_workers_share_the_connections_whichever_doorman_accepted_them() -> None:
    """Two workers of one thread each: two slow pages at once are served side by side, one by
    each worker, whichever doorman accepted them."""
    with serving(threads=1, workers=2, ROMSIE_MAX_IN_FLIGHT="2") as port:
        eventually(lambda: len({worker_pid(port) for _ in range(10)}) == 2)  # both workers ready
        results: list[tuple[int, dict[str, str], float]] = []
        pages = [threading.Thread(target=lambda: results.append(get(port, "/lent/"))) for _ in range(2)]
        started = time.monotonic()
        for page in pages:
            page.start()
        for page in pages:
            page.join(10)
        assert [status for status, _, _ in results] == [200, 200]
        assert time.monotonic() - started < 1.8  # one second each, side by side: not one after the other


def test_a_worker_whose_threads_are_all_busy_takes_no_connection() -> None:
    """Two workers of one thread: while one serves a slow page, quick requests all go to the
    other at once, none waits behind the slow page for the busy worker's thread."""
    with serving(threads=1, workers=2, ROMSIE_MAX_IN_FLIGHT="4") as port:
        assert eventually(lambda: len({worker_pid(port) for _ in range(10)}) == 2)  # both workers ready
        slow = threading.Thread(target=lambda: get(port, "/tres-lent/"))
        slow.start()
        time.sleep(0.3)  # one worker's only thread is taken for three seconds
        waits = []
        pids = set()
        for _ in range(8):
            started = time.monotonic()
            pids.add(worker_pid(port))
            waits.append(time.monotonic() - started)
        slow.join(10)
        assert max(waits) < 1.0, waits  # none waited for the busy worker's thread
        assert len(pids) == 1  # all from the other worker
