"""gunicorn's threaded worker, whose main thread decides which pages its threads take now.

A threaded (``gthread``) worker accepts every connection and hands it to its pool of
threads; past capacity the request then waits for a place in ``romsie.core.capacity.CapacityGate``
inside a thread, or in the pool's queue unseen by the gate, and its 503 comes late. Here the
worker's main thread, which only accepts connections and never runs a page, keeps the
server's queue itself:

- while a place is free (``capacity.claim_place``: counting the pages being served by every
  worker, those on their way to a thread and those waiting), a connection goes to a thread at
  once, unread, as in ``gthread``;
- past the places, the main thread peeks at the request line: a health check (``/sante/``:
  a load balancer must see the server alive) and a sign-in while the sign-ins' own queue has
  room go to a thread; a page waits, held by the main thread and holding no thread, for a
  place to free (up to ``ROMSIE_CAPACITY_WAIT_MS``) while the queue has room
  (``ROMSIE_CAPACITY_QUEUE``, shared by every worker), and gets the fixed ``503 Service
  Unavailable`` with ``Retry-After`` from the main thread otherwise, or when its wait ends;
- while there is no place, the main thread takes every connection already waiting in one go
  (a burst is triaged without a wait for the GIL between one connection and the next).
"""

from __future__ import annotations

import collections
import os
import selectors
import socket
import sys
import time
from functools import partial
from typing import Any

from gunicorn.workers.gthread import DEFAULT_WORKER_DATA_TIMEOUT, TConn, ThreadWorker

from romsie.core import capacity

BUSY_RESPONSE = (
    b"HTTP/1.1 503 Service Unavailable\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n"
    b"Content-Length: " + str(len(capacity.BUSY_BODY)).encode() + b"\r\n"
    b"Retry-After: 2\r\n"
    b"Cache-Control: no-store\r\n"
    b"Connection: close\r\n\r\n" + capacity.BUSY_BODY
)
NEVER_SHED = (b"GET /sante/", b"HEAD /sante/")
# Sign-ins have their own places and queue (``capacity.CapacityGate``): a full page queue does not refuse them.
SIGN_IN = b"POST /compte/connexion/ "
# While there is no place, how many waiting connections the main thread takes in one go before
# it looks at its other events again.
DRAIN_ROUND = 64
# While pages wait, how often the main thread looks for a place freed by another worker.
HELD_POLL_SECONDS = 0.002
# Python's switch interval while the main thread triages connections past the places (a
# burst, pages held, requests awaited). Each of its system calls (accept, recv, send, close,
# the poller's) lets a thread serving a page take the GIL, and taking it back costs up to one
# interval: at gunicorn.py's 1 ms, a burst of 40 connections in one worker waited 100-200 ms
# for its 503s. Only then: the pages' threads switch less often the rest of the time.
SHEDDING_SWITCH_INTERVAL = float(os.environ.get("GUNICORN_SHEDDING_SWITCH_INTERVAL_MS", "0.1")) / 1000
THREAD, HOLD, REFUSE = "thread", "hold", "refuse"


def _refuse(client: socket.socket) -> None:
    """The fixed 503: read what the client sent (so that closing does not reset the connection
    before the client has read the answer), answer, close. No thread, nothing parsed."""
    try:
        client.recv(65536, socket.MSG_DONTWAIT)
        client.send(BUSY_RESPONSE, socket.MSG_DONTWAIT)
    except OSError:
        pass
    client.close()


class SheddingThreadWorker(ThreadWorker):  # type: ignore[misc]
    """``gthread`` whose main thread keeps the queue for a place and answers the 503s."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.held: collections.deque[tuple[float, TConn]] = collections.deque()

    def init_process(self) -> None:
        # The kernel hands over a connection once its request has come (Linux; nginx's
        # "deferred"): past the places, the main thread triages it at once, without the
        # poller's round trip.
        for listener in self.sockets:
            if hasattr(socket, "TCP_DEFER_ACCEPT") and listener.family in (socket.AF_INET, socket.AF_INET6):
                listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 1)
        self.normal_switch_interval = sys.getswitchinterval()
        super().init_process()

    def _room(self) -> bool:
        return not self.held and capacity.place_for_newcomer()

    # ----------------------------------------------------------------- taking connections

    def accept(self, listener: socket.socket) -> None:
        """Take a connection, as ``gthread`` does; while there is no place, every one waiting."""
        if self._room():
            super().accept(listener)
            return
        sys.setswitchinterval(SHEDDING_SWITCH_INTERVAL)
        for _ in range(DRAIN_ROUND):
            try:
                client, address = listener.accept()
            except OSError:  # none waiting (EAGAIN), or the client gave up
                return
            self._triage_new(client, address, listener)
            if self._room():
                return  # the other workers may take the next one

    def enqueue_req(self, conn: TConn) -> None:
        """Every request handed to a thread is counted on its way to ``CapacityGate`` first:
        a page with the place it claims, anything else as it is."""
        if conn.initialized:  # a kept-alive connection's next request
            capacity.arriving()
            super().enqueue_req(conn)
        elif not self.held and capacity.claim_place(waited=False):
            super().enqueue_req(conn)
        else:
            self._triage_soon(conn)

    def handle(self, conn: TConn) -> Any:
        """In a thread: its request is counted on its way until ``CapacityGate`` sees it."""
        capacity.on_the_way()
        try:
            return super().handle(conn)
        finally:
            capacity.off_the_way()

    # ----------------------------------------------------------------- past the places

    def _decide(self, start: bytes) -> str:
        """Where a request goes, from its first bytes: a health check or an admitted sign-in to a
        thread, a page to a thread if a place freed meanwhile, else to the queue while it has
        room, else refused."""
        if start.startswith(NEVER_SHED) or (start.startswith(SIGN_IN) and not capacity.sign_ins_refused()):
            capacity.arriving()
            return THREAD
        if not self.held and capacity.claim_place(waited=False):
            return THREAD
        return REFUSE if capacity.pages_refused() else HOLD

    def _triage_new(self, client: socket.socket, address: Any, listener: socket.socket) -> None:
        """A connection just accepted while there is no place: triaged on the spot if its request
        has arrived (in a burst it has), with as few system calls as can be."""
        try:
            start = client.recv(32, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except BlockingIOError:
            start = b""
        except OSError:
            client.close()
            return
        decision = self._decide(start) if start else None
        if decision == REFUSE:
            _refuse(client)
            return
        self.nr_conns += 1
        conn = TConn(self.cfg, client, address, listener.getsockname())
        if decision is None:  # nothing yet: triaged once it has come
            self._triage_soon(conn)
        else:
            self._act(decision, conn)

    def _triage_soon(self, conn: TConn) -> None:
        """Triage the request once it has come; closed if it has not within gunicorn's wait for
        a request (``murder_pending``)."""
        conn.sock.setblocking(False)
        conn.timeout = time.monotonic() + DEFAULT_WORKER_DATA_TIMEOUT
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_readable, conn))

    def _on_readable(self, conn: TConn, client: socket.socket) -> None:
        self.poller.unregister(client)
        self.pending_conns.remove(conn)
        try:
            start = client.recv(32, socket.MSG_PEEK)
        except OSError:
            self._close(conn)
            return
        self._act(self._decide(start), conn)

    def _act(self, decision: str, conn: TConn) -> None:
        if decision == THREAD:
            super().enqueue_req(conn)
        elif decision == HOLD:
            capacity.holding(1)
            self.held.append((time.monotonic() + capacity.page_wait(), conn))
        else:
            self._refuse(conn)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        triaging = bool(self.held or self.pending_conns)
        sys.setswitchinterval(SHEDDING_SWITCH_INTERVAL if triaging else self.normal_switch_interval)
        super().wait_for_and_dispatch_events(min(timeout, HELD_POLL_SECONDS) if self.held else timeout)
        self._serve_held()

    def _serve_held(self) -> None:
        """The pages held, oldest first: to a thread when a place is free, refused when their wait is over."""
        now = time.monotonic()
        while self.held:
            deadline, conn = self.held[0]
            if capacity.claim_place(waited=True):
                self.held.popleft()
                capacity.holding(-1)
                super().enqueue_req(conn)
            elif deadline <= now:
                self.held.popleft()
                capacity.holding(-1)
                self._refuse(conn)
            else:
                return

    def _refuse(self, conn: TConn) -> None:
        self.nr_conns -= 1
        _refuse(conn.sock)

    def _close(self, conn: TConn) -> None:
        self.nr_conns -= 1
        conn.close()
