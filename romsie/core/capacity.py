"""Past capacity, answer 503 at once instead of letting requests queue into time-outs.

A server on 2 cores serves about as many pages a second as it can; more requests than
that do not make it faster, they make every answer late (200 simultaneous dashboards took
1.6 s each, up to 11 s, and nobody was told to come back). ``CapacityGate`` wraps the WSGI
application and counts the requests being served by *all* the server's workers:

- a page may start while fewer than ``ROMSIE_MAX_IN_FLIGHT`` pages are being served; past
  that it waits up to ``ROMSIE_CAPACITY_WAIT_MS`` for one to end (a burst is absorbed), then
  gets ``503 Service Unavailable`` with ``Retry-After``, in a few milliseconds and for no
  CPU: the requests admitted keep the whole machine and finish in time. When
  ``ROMSIE_CAPACITY_QUEUE`` requests already wait, a newcomer is refused without waiting
  (under gunicorn, by a doorman process before any worker takes it: ``config.workers``);
- sign-ins (the POST of the sign-in form, an Argon2 hash each) have their own, smaller
  limit ``ROMSIE_MAX_SIGN_INS``, a longer wait and a longer queue (``ROMSIE_SIGN_IN_QUEUE``),
  so a sign-in rush neither starves the pages nor holds more than that many hashes' memory;
- the health checks (``/sante/``) are never held back: a load balancer must see the server
  alive while it sheds load.

The counts are shared by the workers through shared memory that gunicorn's master creates
before it forks them (``config/gunicorn.py`` calls ``share``, ``assign_slot``,
``use_slot`` and ``release_slot``); each worker counts in its own slot, and the master
clears the slot of a worker that dies, so a crash never leaks capacity. Without gunicorn
(``runserver``, the tests) the counts are the process's own.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

BUSY_BODY = (
    b"<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
    b"<meta name='viewport' content='width=device-width, initial-scale=1'><title>ENT</title></head><body>"
    b"<main><h1>Le service est tr\xc3\xa8s sollicit\xc3\xa9</h1><p>R\xc3\xa9essayez dans un instant.</p>"
    b"<p lang='en'>The service is busy: try again in a moment.</p></main></body></html>"
)
POLL_SECONDS = 0.002


class _Counts:
    """Requests in flight per worker slot, for pages and for sign-ins."""

    def __init__(self, slots: int, shared: bool) -> None:
        if shared:
            self.pages: Any = multiprocessing.Array("i", slots, lock=False)
            self.sign_ins: Any = multiprocessing.Array("i", slots, lock=False)
            self.waiting: Any = multiprocessing.Array("i", slots, lock=False)
            self.sign_ins_waiting: Any = multiprocessing.Array("i", slots, lock=False)
            self.arriving: Any = multiprocessing.Array("i", slots, lock=False)
            self.passed: Any = multiprocessing.Array("i", 1, lock=False)
        else:
            self.pages, self.sign_ins = [0] * slots, [0] * slots
            self.waiting, self.sign_ins_waiting = [0] * slots, [0] * slots
            self.arriving = [0] * slots
            self.passed = [0]
        # Held by a worker's doorman while it claims a place for a request it hands over
        # (``claim_place``), so that two workers never claim the same free place.
        self.claims: Any = multiprocessing.Lock() if shared else threading.Lock()
        # One lock per slot, taken by every change to that slot's counts: a worker's threads
        # and its doorman (another process, ``config.workers``) both change them.
        self.slot_locks: list[Any] = [multiprocessing.Lock() for _ in range(slots)] if shared else []
        self.shared = shared
        self.free_slots = list(range(slots))


_counts: _Counts | None = None
_slot = 0
_lock: Any = threading.Lock()  # the threads of one worker (and its doorman, once shared) share its slot
_arrival = threading.local()  # in a worker's thread: its request is counted in ``arriving``


def share(slots: int) -> None:
    """In gunicorn's master, before the workers are forked: counts every worker will see."""
    global _counts
    _counts = _Counts(slots, shared=True)


def assign_slot() -> int:
    """In the master, before forking a worker: the slot it will count in."""
    counts = _counts
    if counts is None or not counts.free_slots:
        return 0
    return counts.free_slots.pop(0)


def use_slot(slot: int) -> None:
    """In the worker, after the fork."""
    global _slot, _lock
    _slot = slot
    if _counts is not None and _counts.shared:
        _lock = _counts.slot_locks[slot]


def ensure_shared() -> None:
    """In gunicorn's master, before it forks the first worker: counts that every worker and
    every doorman (``config.workers``) see. Under ``config/gunicorn.py`` they are shared
    already, a slot per worker; a master started without it (a bare ``gunicorn
    --worker-class``) shares one slot, which its workers count in together."""
    if _counts is None or not _counts.shared:
        share(slots=1)
        use_slot(0)


def release_slot(slot: int) -> None:
    """In the master, when a worker has exited: what it was serving is over."""
    counts = _counts
    if counts is None:
        return
    counts.pages[slot] = 0
    counts.sign_ins[slot] = 0
    counts.waiting[slot] = 0
    counts.sign_ins_waiting[slot] = 0
    counts.arriving[slot] = 0
    if slot not in counts.free_slots:
        counts.free_slots.append(slot)


def _local_counts() -> _Counts:
    global _counts
    if _counts is None:
        with _lock:
            if _counts is None:
                _counts = _Counts(1, shared=False)
    return _counts


def in_flight() -> tuple[int, int]:
    """Pages and sign-ins being served now, by every worker."""
    counts = _local_counts()
    return sum(counts.pages), sum(counts.sign_ins)


def page_limit() -> int:
    """How many pages every worker together may serve at once (``ROMSIE_MAX_IN_FLIGHT``)."""
    return _env_int("ROMSIE_MAX_IN_FLIGHT", 12 * (os.cpu_count() or 1))


def page_queue() -> int:
    """How many pages may wait for a place at once (``ROMSIE_CAPACITY_QUEUE``).

    About what the server frees within the wait: 200 pages a second free a place every 5 ms,
    so a 25 ms wait lets four or five through; a longer queue only adds threads that poll
    for a place, and answers that come late.
    """
    return _env_int("ROMSIE_CAPACITY_QUEUE", 2 * (os.cpu_count() or 1))


def page_wait() -> float:
    """How long a page past the places may wait for one, in seconds (``ROMSIE_CAPACITY_WAIT_MS``)."""
    return _env_int("ROMSIE_CAPACITY_WAIT_MS", 25) / 1000


def claim_place(*, waited: bool) -> bool:
    """In a doorman, before it passes a page to the workers: True, and the page counted as
    passed (``passed``, until a worker takes it: ``received``), when a place is free for it.

    A place is free once the pages being served and those on their way have theirs; for a
    newcomer (``waited=False``), once the pages waiting have theirs too. The claim is one step
    for every doorman (``claims``): two never count the same free place.
    """
    counts = _local_counts()
    with counts.claims:
        taken: int = sum(counts.pages) + sum(counts.arriving) + counts.passed[0]
        if not waited:
            taken += sum(counts.waiting)
        if taken >= page_limit():
            return False
        counts.passed[0] += 1
    return True


def passing() -> None:
    """In a doorman: a request (a health check, a sign-in) passed to the workers without a
    place claimed; counted as on its way until ``CapacityGate`` sees it."""
    counts = _local_counts()
    with counts.claims:
        counts.passed[0] += 1


def pass_cancelled() -> None:
    """In a doorman: a request counted as passed (``claim_place``, ``passing``) could not be
    passed to the workers after all."""
    counts = _local_counts()
    with counts.claims:
        counts.passed[0] -= 1


def received() -> None:
    """In a worker's main thread: a request passed by a doorman is this worker's now; counted on
    its way (``arriving``, in the worker's slot) until ``CapacityGate`` sees it. The passed
    requests are counted for the whole server, not in a slot: a worker that dies does not take
    with it the count of a request that another worker takes."""
    counts = _local_counts()
    with counts.claims:
        counts.passed[0] -= 1
        with _lock:
            counts.arriving[_slot] += 1


def arriving() -> None:
    """In a worker's main thread: the next request of a kept-alive connection, handed to a
    thread without a place claimed; counted as on its way until ``CapacityGate`` sees it."""
    counts = _local_counts()
    with _lock:
        counts.arriving[_slot] += 1


def on_the_way() -> None:
    """In a worker's thread that has taken a request: it is counted in ``arriving``."""
    _arrival.pending = True


def off_the_way() -> None:
    """In a worker's thread, its request done: if it never reached ``CapacityGate`` (the client
    sent nothing, or nothing the server could read), it is on its way no more."""
    if getattr(_arrival, "pending", False):
        counts = _local_counts()
        with _lock:
            _arrived(counts)


def _arrived(counts: _Counts) -> None:
    """Under ``_lock``: the request of this thread has reached the gate (counted in ``arriving`` until now)."""
    if getattr(_arrival, "pending", False):
        _arrival.pending = False
        counts.arriving[_slot] -= 1


def holding(change: int) -> None:
    """Under gunicorn: ``change`` pages held by a worker's doorman until a place frees
    (``config.workers``); they are counted with the pages waiting in ``CapacityGate``."""
    counts = _local_counts()
    with _lock:
        counts.waiting[_slot] += change


def pages_refused() -> bool:
    """True when a new page would be refused without waiting: every place taken or promised,
    and the queue full.

    The requests on their way to ``CapacityGate`` (``arriving``) take the free places first,
    then the queue's; a newcomer past both would only be refused later.
    """
    counts = _local_counts()
    taken: int = sum(counts.pages) + sum(counts.waiting) + sum(counts.arriving) + counts.passed[0]
    return taken >= page_limit() + page_queue()


def sign_in_limit() -> int:
    """How many sign-ins may be checked at once (``ROMSIE_MAX_SIGN_INS``): one per core."""
    return _env_int("ROMSIE_MAX_SIGN_INS", os.cpu_count() or 1)


def sign_in_queue() -> int:
    """How many sign-ins may wait for a place (``ROMSIE_SIGN_IN_QUEUE``)."""
    return _env_int("ROMSIE_SIGN_IN_QUEUE", 32 * (os.cpu_count() or 1))


def sign_ins_refused() -> bool:
    """True when a new sign-in would be refused without waiting (its places taken, its queue full)."""
    counts = _local_counts()
    sign_ins: int = sum(counts.sign_ins)
    waiting: int = sum(counts.sign_ins_waiting)
    return sign_ins >= sign_in_limit() and waiting >= sign_in_queue()


class CapacityGate:
    """WSGI middleware: admit a request while the server has room, else answer 503 quickly."""

    def __init__(
        self,
        app: WSGIApp,
        *,
        max_in_flight: int | None = None,
        max_sign_ins: int | None = None,
        queue: int | None = None,
        wait_ms: int | None = None,
        sign_in_wait_ms: int | None = None,
        sign_in_path: str = "/compte/connexion/",
        exempt_prefixes: tuple[str, ...] = ("/sante/",),
    ) -> None:
        self.app = app
        self.max_in_flight = max_in_flight or page_limit()
        self.max_sign_ins = max_sign_ins or sign_in_limit()
        # Sign-ins queue longer: each waits its turn for a core (a 20 ms hash) up to sign_in_wait.
        self.sign_in_queue = sign_in_queue()
        self.wait = wait_ms / 1000 if wait_ms is not None else page_wait()
        self.sign_in_wait = (
            sign_in_wait_ms if sign_in_wait_ms is not None else _env_int("ROMSIE_SIGN_IN_WAIT_MS", 2000)
        ) / 1000
        self.page_queue = queue or page_queue()
        self.sign_in_path = sign_in_path
        self.exempt_prefixes = exempt_prefixes

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        counts = _local_counts()
        if path.startswith(self.exempt_prefixes):
            with _lock:
                _arrived(counts)
            return self.app(environ, start_response)
        if environ.get("REQUEST_METHOD") == "POST" and path == self.sign_in_path:
            column, limit, wait = counts.sign_ins, self.max_sign_ins, self.sign_in_wait
            waiting, queue = counts.sign_ins_waiting, self.sign_in_queue
        else:
            column, limit, wait = counts.pages, self.max_in_flight, self.wait
            waiting, queue = counts.waiting, self.page_queue
        if not _enter(column, limit, wait, waiting, queue):
            return _busy(start_response)
        try:
            # Django has built the response when it returns (a file is then sent by the server,
            # at no CPU cost to speak of), so the place is given back here.
            return self.app(environ, start_response)
        finally:
            with _lock:
                column[_slot] -= 1


def _enter(column: Any, limit: int, wait: float, waiting: Any, queue: int) -> bool:
    """Take a place in ``column`` if fewer than ``limit`` are taken, waiting up to ``wait`` seconds.

    When ``queue`` requests already wait, the newcomer would not be served in time anyway: it
    is refused at once, so a flood costs the server nothing but the 503s.
    """
    counts = _local_counts()
    with _lock:
        _arrived(counts)  # its place (or its turn) now counts instead
        if sum(column) < limit:
            column[_slot] += 1
            return True
        if wait <= 0 or sum(waiting) >= queue:
            return False
        waiting[_slot] += 1
    deadline = time.monotonic() + wait
    try:
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            with _lock:
                if sum(column) < limit:
                    column[_slot] += 1
                    return True
        return False
    finally:
        with _lock:
            waiting[_slot] -= 1


def _busy(start_response: StartResponse) -> list[bytes]:
    start_response(
        "503 Service Unavailable",
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(BUSY_BODY))),
            ("Retry-After", "2"),
            ("Cache-Control", "no-store"),
        ],
    )
    return [BUSY_BODY]


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, ""))
    except ValueError:
        return default


def database_connections_warning(*, workers: int, threads: int, database_url: str) -> str | None:
    """Say why the server may run out of PostgreSQL connections, or None.

    Each thread of each worker keeps its own connection (``CONN_MAX_AGE``): past PostgreSQL's
    ``max_connections`` (minus the superuser's reserve) the last threads get no connection and
    answer 500. Asked of the database itself when gunicorn starts; a database that can't be
    reached, or isn't PostgreSQL, is not judged here.
    """
    if not database_url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return None
    import psycopg

    try:
        with psycopg.connect(database_url.replace("pgsql://", "postgresql://", 1), connect_timeout=3) as connection:
            row = connection.execute(
                "SELECT current_setting('max_connections')::int"
                " - current_setting('superuser_reserved_connections')::int"
            ).fetchone()
    except psycopg.Error:
        return None
    available = int(row[0]) if row else 0
    needed = workers * threads
    if needed <= available:
        return None
    return (
        f"{workers} workers x {threads} threads may hold {needed} database connections, but PostgreSQL "
        f"allows {available}: lower GUNICORN_WORKERS or GUNICORN_THREADS, raise max_connections, or put a "
        "connection pooler in front (the other servers and the task workers need theirs too)."
    )
