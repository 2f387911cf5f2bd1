"""Past capacity the server answers 503 quickly; sign-ins have their own limit; counts are shared."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from urllib.parse import urlsplit

import pytest

from romsie.core import capacity


class SlowApp:
    """A WSGI application that holds each request until released."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Semaphore(0)

    def __call__(self, environ, start_response):
        self.started.release()
        self.release.wait(5)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]


def call(gate, path="/", method="GET"):
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = status, dict(headers)

    started = time.monotonic()
    body = b"".join(gate({"PATH_INFO": path, "REQUEST_METHOD": method}, start_response))
    return answer["status"], answer["headers"], body, time.monotonic() - started


@pytest.fixture(autouse=True)
def own_counts(monkeypatch):
    monkeypatch.setattr(capacity, "_counts", None)
    monkeypatch.setattr(capacity, "_slot", 0)
    monkeypatch.setattr(capacity, "_lock", threading.Lock())


def occupy(gate, app, count, **request):
    threads = [threading.Thread(target=call, args=(gate,), kwargs=request) for _ in range(count)]
    for thread in threads:
        thread.start()
    for _ in threads:
        assert app.started.acquire(timeout=5)
    return threads


def test_past_the_limit_a_page_gets_a_quick_503_with_retry_after_and_nothing_leaks():
    app = SlowApp()
    gate = capacity.CapacityGate(app, max_in_flight=2, wait_ms=20)
    threads = occupy(gate, app, 2)
    status, headers, body, _ = call(gate)  # after the 20 ms wait (make bench-http times it for real)
    assert status.startswith("503")
    assert headers["Retry-After"] == "2"
    assert "Réessayez".encode() in body
    assert capacity.in_flight() == (2, 0)
    app.release.set()
    for thread in threads:
        thread.join()
    assert capacity.in_flight() == (0, 0)
    assert call(gate)[0] == "200 OK"


def test_a_burst_waits_for_a_place_that_frees_within_the_wait():
    app = SlowApp()
    gate = capacity.CapacityGate(app, max_in_flight=1, wait_ms=2000)
    threads = occupy(gate, app, 1)
    threading.Timer(0.05, app.release.set).start()
    status, *_ = call(gate)
    assert status == "200 OK"
    for thread in threads:
        thread.join()


def test_health_checks_are_never_held_back():
    app = SlowApp()
    gate = capacity.CapacityGate(app, max_in_flight=1, wait_ms=0)
    threads = occupy(gate, app, 1)
    app.started = threading.Semaphore(0)
    done = []
    checker = threading.Thread(target=lambda: done.append(call(gate, "/sante/")))
    checker.start()
    assert app.started.acquire(timeout=5)  # admitted although the page limit is reached
    app.release.set()
    checker.join()
    for thread in threads:
        thread.join()
    assert done[0][0] == "200 OK"


def test_sign_ins_have_their_own_limit_and_do_not_take_the_pages_places():
    app = SlowApp()
    gate = capacity.CapacityGate(app, max_in_flight=1, max_sign_ins=1, wait_ms=0, sign_in_wait_ms=0)
    threads = occupy(gate, app, 1, path="/compte/connexion/", method="POST")
    assert call(gate, "/compte/connexion/", "POST")[0].startswith("503")  # a second hash at once: refused
    app.release.set()  # pages still have their place
    assert call(gate, "/")[0] == "200 OK"
    for thread in threads:
        thread.join()


def _hold_a_page(gate_limit, ready, release):
    capacity.use_slot(1)
    app = SlowApp()
    app.release = release
    gate = capacity.CapacityGate(app, max_in_flight=gate_limit, wait_ms=0)
    threading.Thread(target=lambda: ready.set()).start()
    call(gate)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork, as gunicorn")
def test_every_worker_counts_the_requests_of_the_others_and_a_dead_worker_leaks_nothing():
    capacity.share(slots=4)
    context = multiprocessing.get_context("fork")
    ready, release = context.Event(), context.Event()
    worker = context.Process(target=_hold_a_page, args=(1, ready, release))
    worker.start()
    assert ready.wait(5)
    deadline = time.monotonic() + 5
    while capacity.in_flight()[0] != 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert capacity.in_flight() == (1, 0)  # seen from this "worker" too
    gate = capacity.CapacityGate(SlowApp(), max_in_flight=1, wait_ms=0)
    assert call(gate)[0].startswith("503")
    worker.kill()  # dies in the middle of its request
    worker.join()
    capacity.release_slot(1)  # what gunicorn's master does when a worker exits
    assert capacity.in_flight() == (0, 0)


def test_when_the_queue_is_full_a_newcomer_is_refused_without_waiting():
    app = SlowApp()
    gate = capacity.CapacityGate(app, max_in_flight=1, queue=1, wait_ms=3000)
    threads = occupy(gate, app, 1)
    waiter = threading.Thread(target=call, args=(gate,))
    waiter.start()
    deadline = time.monotonic() + 5
    while sum(capacity._local_counts().waiting) != 1 and time.monotonic() < deadline:
        time.sleep(0.005)
    status, _, _, elapsed = call(gate)
    assert status.startswith("503")
    assert elapsed < 2  # not the 3 s wait: refused at once
    app.release.set()
    waiter.join()
    for thread in threads:
        thread.join()
    assert capacity.in_flight() == (0, 0)
    assert sum(capacity._local_counts().waiting) == 0


def test_sign_ins_wait_their_turn_in_a_longer_queue():
    app = SlowApp()
    gate = capacity.CapacityGate(app, max_in_flight=1, max_sign_ins=1, sign_in_wait_ms=3000)
    threads = occupy(gate, app, 1, path="/compte/connexion/", method="POST")
    waiters = [threading.Thread(target=call, args=(gate, "/compte/connexion/", "POST")) for _ in range(3)]
    for waiter in waiters:
        waiter.start()
    deadline = time.monotonic() + 5
    while sum(capacity._local_counts().sign_ins_waiting) != 3 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert sum(capacity._local_counts().sign_ins_waiting) == 3  # queued, not refused
    app.release.set()
    for thread in [*threads, *waiters]:
        thread.join()
    assert capacity.in_flight() == (0, 0)


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="asks PostgreSQL itself")
def test_a_server_sized_past_postgresqls_connections_is_told_so_at_start():
    # The server's database may not exist while the suite runs (it uses test_<name>): ask the
    # maintenance database of the same server.
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres").geturl()
    assert capacity.database_connections_warning(workers=2, threads=4, database_url=url) is None
    warning = capacity.database_connections_warning(workers=50, threads=100, database_url=url)
    assert warning is not None and "5000 database connections" in warning


def test_a_database_other_than_postgresql_or_out_of_reach_is_not_judged():
    assert capacity.database_connections_warning(workers=50, threads=100, database_url="sqlite:///x.db") is None
    unreachable = "postgres://nobody@127.0.0.1:1/none"
    assert capacity.database_connections_warning(workers=50, threads=100, database_url=unreachable) is None


def counted() -> tuple[int, int, int]:
    """Pages in flight, waiting, and on their way to the gate (passed by a doorman, or taken by a worker)."""
    counts = capacity._local_counts()
    return sum(counts.pages), sum(counts.waiting), sum(counts.arriving) + counts.passed[0]


def test_a_doorman_claims_a_place_once_and_its_request_counts_on_its_way_until_the_gate_takes_it(monkeypatch):
    monkeypatch.setenv("ROMSIE_MAX_IN_FLIGHT", "2")
    app = SlowApp()
    gate = capacity.CapacityGate(app, wait_ms=0)
    assert capacity.claim_place(waited=False)
    assert capacity.claim_place(waited=False)
    assert not capacity.claim_place(waited=False)  # both places promised, though no page runs yet
    assert counted() == (0, 0, 2)
    capacity.received()  # a worker takes both
    capacity.received()
    assert counted() == (0, 0, 2)
    counts = capacity._local_counts()
    assert (counts.passed[0], sum(counts.arriving)) == (0, 2)  # now in the worker's slot

    def in_a_thread():  # what the worker's thread does with a request handed to it
        capacity.on_the_way()
        try:
            call(gate)
        finally:
            capacity.off_the_way()

    first = threading.Thread(target=in_a_thread)
    first.start()
    assert app.started.acquire(timeout=5)
    assert counted() == (1, 0, 1)  # on its way until the gate gave it its place: never both, never neither
    never_read = threading.Thread(target=lambda: (capacity.on_the_way(), capacity.off_the_way()))
    never_read.start()  # a client that sent nothing: its thread gives the count back
    never_read.join()
    assert counted() == (1, 0, 0)
    app.release.set()
    first.join()
    assert counted() == (0, 0, 0)


def test_a_page_held_for_a_place_goes_before_a_newcomer(monkeypatch):
    monkeypatch.setenv("ROMSIE_MAX_IN_FLIGHT", "1")
    monkeypatch.setenv("ROMSIE_CAPACITY_QUEUE", "1")
    capacity.holding(1)  # a doorman holds a page until a place frees
    assert capacity.claim_place(waited=False) is False  # the free place is the held page's
    assert capacity.pages_refused() is False  # the queue's one place is still free
    capacity.holding(1)
    assert capacity.pages_refused()  # now it is taken: a newcomer is refused at once
    assert capacity.claim_place(waited=True)  # the first held page takes the place
    capacity.holding(-1)
    assert counted() == (0, 1, 1)
    assert capacity.claim_place(waited=True) is False  # one place, promised


def test_a_page_passed_on_counts_for_the_server_until_a_worker_takes_it_whatever_becomes_of_the_doormans_worker(
    monkeypatch,
):
    monkeypatch.setenv("ROMSIE_MAX_IN_FLIGHT", "1")
    capacity.share(slots=2)
    capacity.use_slot(0)
    assert capacity._lock is capacity._local_counts().slot_locks[0]  # the worker's doorman changes its slot too
    assert capacity.claim_place(waited=False)  # worker 0's doorman passes a page on
    capacity.release_slot(0)  # worker 0 dies meanwhile: its slot is cleared
    assert not capacity.claim_place(waited=False)  # the place is still promised
    capacity.use_slot(1)
    capacity.received()  # worker 1 takes the page
    assert counted() == (0, 0, 1)
    gate = capacity.CapacityGate(SlowApp(), wait_ms=0)
    capacity.on_the_way()
    try:
        assert call(gate)[0] == "200 OK"  # its place, promised, is taken at the gate
    finally:
        capacity.off_the_way()
    assert counted() == (0, 0, 0)
    assert capacity.claim_place(waited=False)
    capacity.pass_cancelled()  # a doorman could not pass it on after all
    assert counted() == (0, 0, 0)
