"""gunicorn's threaded worker, told to answer 503 itself when a page would be refused anyway.

A threaded (``gthread``) worker accepts every connection and hands it to its pool of
threads; when they are all busy the connection waits in the pool's queue, unseen by
``romsie.core.capacity.CapacityGate`` (which runs in a thread), and its 503 comes late: 200
simultaneous dashboards got their 503s after 51 ms at the median and 171 ms at the 99th
percentile. A connection arriving when the server would refuse it without waiting (every
place taken and the queue full: ``capacity.pages_refused``), or when all the threads of this
worker are taken while the server is at capacity, is answered by the worker's main thread as
soon as its request is in: a fixed ``503 Service Unavailable`` with ``Retry-After``, then
closed. The main thread peeks at the request line (the health checks, ``/sante/``, still go
to a thread: a load balancer must see the server alive; so does a sign-in while the sign-ins'
own queue has room), never parses the rest, and holds no thread of the pool, so the refusal
costs a few hundred microseconds, takes no thread, and the pages being served keep the cores.
"""

from __future__ import annotations

import selectors
import socket
from concurrent.futures import Future
from functools import partial
from typing import Any

from gunicorn.workers.gthread import TConn, ThreadWorker

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


class SheddingThreadWorker(ThreadWorker):  # type: ignore[misc]
    """``gthread`` that refuses, in its main thread, the pages its threads cannot take now."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.busy = 0

    def enqueue_req(self, conn: TConn) -> None:
        if not conn.initialized and self._shedding():
            conn.sock.setblocking(False)
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._triage, conn))
            return
        self.busy += 1
        super().enqueue_req(conn)

    def _shedding(self) -> bool:
        """A page arriving now would get its 503 anyway: the places taken and the queue full,
        or every thread of this worker taken while the server is at capacity."""
        if capacity.pages_refused():
            return True
        return self.busy >= self.cfg.threads and capacity.pages_saturated()

    def finish_request(self, conn: TConn, fs: Future[Any]) -> None:
        self.busy -= 1
        super().finish_request(conn, fs)

    def _triage(self, conn: TConn, client: socket.socket) -> None:
        """The request has arrived: a health check goes on to a thread, anything else is refused."""
        self.poller.unregister(client)
        try:
            start = client.recv(32, socket.MSG_PEEK)
            if start.startswith(NEVER_SHED) or (start.startswith(SIGN_IN) and not capacity.sign_ins_refused()):
                client.setblocking(True)
                self.busy += 1
                super().enqueue_req(conn)
                return
            # Read what the client sent, so that closing does not reset the connection
            # before the client has read the answer.
            client.recv(65536)
            client.send(BUSY_RESPONSE)
            client.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        self.nr_conns -= 1
        conn.close()
