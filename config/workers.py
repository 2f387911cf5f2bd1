"""gunicorn's threaded worker, with a doorman process that decides which requests are served now.

A threaded (``gthread``) worker accepts every connection in its main thread and hands it to
its pool of threads. Past capacity, its main thread could answer the 503s itself, but it
shares the worker's GIL with the threads serving pages: each of its steps waited for a
thread to let go of the GIL (a collection of Python's garbage, a thread the system had
paused while it held the GIL), and a 503 owed in a few milliseconds came after 50-150 ms.

Here each worker forks, before it loads the application, a **doorman**: a small process
with one thread and no page to serve. The doormen alone accept the connections (``Doorman``)
and keep the server's queue:

- while a place is free (``capacity.claim_place``: counting the pages being served by every
  worker, those on their way to a thread and those waiting), a connection is passed on at
  once, unread;
- past the places, the doorman peeks at the request line: a health check (``/sante/``: a
  load balancer must see the server alive) and a sign-in while the sign-ins' own queue has
  room are passed on; a page waits, held by the doorman and holding no thread, for a place
  to free (up to ``ROMSIE_CAPACITY_WAIT_MS``) while the queue has room
  (``ROMSIE_CAPACITY_QUEUE``, shared by every worker), and gets the fixed ``503 Service
  Unavailable`` with ``Retry-After`` from the doorman otherwise, or when its wait ends.

A connection passed on goes into one local socket that every worker reads (``Passage``,
made by gunicorn's master before it forks the workers), as they read the listening socket
before: the worker whose main thread is free first takes it, so the busiest worker takes
the fewest. A doorman lives as long as its worker: it exits when the worker closes the
socket they share (the worker stops, or dies), and a worker whose doorman has died stops so
that gunicorn replaces both.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import os
import select
import selectors
import signal
import socket
import time
import traceback
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
# How many waiting connections a doorman takes in one go before it looks at its other events.
DRAIN_ROUND = 64
# While pages wait, how often the doorman looks for a place freed by a worker.
HELD_POLL_SECONDS = 0.002
THREAD, HOLD, REFUSE = "thread", "hold", "refuse"
# Signals gunicorn's master handles: the doorman, forked from a worker before the worker set
# its own, takes the system's default for each (a TERM ends it).
MASTER_SIGNALS = (
    "SIGHUP",
    "SIGQUIT",
    "SIGINT",
    "SIGTERM",
    "SIGTTIN",
    "SIGTTOU",
    "SIGUSR1",
    "SIGUSR2",
    "SIGWINCH",
    "SIGCHLD",
)


def _refuse(client: socket.socket) -> None:
    """The fixed 503: read what the client sent (so that closing does not reset the connection
    before the client has read the answer), answer, close. Nothing parsed."""
    try:
        client.recv(65536, socket.MSG_DONTWAIT)
        client.send(BUSY_RESPONSE, socket.MSG_DONTWAIT)
    except OSError:
        pass
    client.close()


class Passage:
    """The local socket through which the doormen pass connections to the workers: a message
    per connection, its descriptor attached. Every doorman writes to one end, every worker
    reads the other; made once, in gunicorn's master, before the first worker is forked."""

    def __init__(self) -> None:
        self.readers, self.writers = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.readers.setblocking(False)
        self.writers.setblocking(False)

    def send(self, client: socket.socket) -> None:
        """Pass ``client`` on (``BlockingIOError`` when the workers do not keep up)."""
        socket.send_fds(self.writers, [b"c"], [client.fileno()])
        client.close()  # the receiving worker gets its own descriptor

    def receive(self) -> socket.socket | None:
        """A connection passed on, or None when there is none."""
        try:
            _message, fds, _flags, _address = socket.recv_fds(self.readers, 1, 1)
        except BlockingIOError:
            return None
        return socket.socket(fileno=fds[0]) if fds else None


class Doorman:
    """The process that accepts connections for the workers: passed on, held, or refused."""

    def __init__(self, listeners: list[socket.socket], passage: Passage, worker: socket.socket) -> None:
        self.listeners = listeners
        self.passage = passage
        self.worker = worker  # the doorman's end of the socket it shares with its worker, for its life
        self.held: collections.deque[tuple[float, socket.socket]] = collections.deque()
        self.pending: dict[int, tuple[float, socket.socket]] = {}  # connections whose request has not come
        self.poller = select.epoll()
        self.worker_pid = os.getppid()

    def run(self) -> None:
        for name in MASTER_SIGNALS:
            signal.signal(getattr(signal, name), signal.SIG_DFL)
        signal.set_wakeup_fd(-1)
        # One doorman wakes per connection (the others sleep on) rather than all of them.
        for listener in self.listeners:
            listener.setblocking(False)
            self.poller.register(listener.fileno(), select.EPOLLIN | select.EPOLLEXCLUSIVE)
        self.poller.register(self.worker.fileno(), select.EPOLLIN)
        by_fd = {listener.fileno(): listener for listener in self.listeners}
        try:
            while True:
                for fd, _ in self.poller.poll(self._timeout()):
                    if fd in by_fd:
                        self._accept(by_fd[fd])
                    elif fd == self.worker.fileno():
                        return  # the worker has closed its end: it stops, or it died
                    else:
                        self._on_readable(fd)
                self._serve_held()
                self._expire_pending()
        finally:
            # Whatever is still here is answered, not dropped. The held pages' count is given
            # back to a worker that is stopping; a worker that died has had its slot cleared.
            stopping = os.getppid() == self.worker_pid
            for _, client in self.held:
                if stopping:
                    capacity.holding(-1)
                _refuse(client)
            for _, client in self.pending.values():
                client.close()

    def _timeout(self) -> float:
        if self.held:
            return HELD_POLL_SECONDS
        if self.pending:
            return max(0.0, min(deadline for deadline, _ in self.pending.values()) - time.monotonic())
        return -1

    # ------------------------------------------------------------------ taking connections

    def _accept(self, listener: socket.socket) -> None:
        for _ in range(DRAIN_ROUND):
            try:
                client, _address = listener.accept()
            except OSError:  # none waiting (EAGAIN), or the client gave up
                return
            if not self.held and capacity.claim_place(waited=False):
                self._pass(client)
            else:
                self._triage(client)

    def _pass(self, client: socket.socket) -> None:
        """To the workers, its place (or its turn) counted as passed (``capacity.received`` moves it)."""
        try:
            self.passage.send(client)
        except OSError:  # the workers do not keep up (a full passage): it would not be served in time
            capacity.pass_cancelled()
            _refuse(client)

    # ------------------------------------------------------------------ past the places

    def _decide(self, start: bytes) -> str:
        """Where a request goes, from its first bytes: a health check or an admitted sign-in to the
        workers, a page to the workers if a place freed meanwhile, else to the queue while it
        has room, else refused."""
        if start.startswith(NEVER_SHED) or (start.startswith(SIGN_IN) and not capacity.sign_ins_refused()):
            capacity.passing()
            return THREAD
        if not self.held and capacity.claim_place(waited=False):
            return THREAD
        return REFUSE if capacity.pages_refused() else HOLD

    def _triage(self, client: socket.socket) -> None:
        """A connection accepted while there is no place: triaged on the spot if its request has
        arrived (in a burst it has), else once it has come."""
        try:
            start = client.recv(32, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except BlockingIOError:
            client.setblocking(False)
            self.pending[client.fileno()] = (time.monotonic() + DEFAULT_WORKER_DATA_TIMEOUT, client)
            self.poller.register(client.fileno(), select.EPOLLIN)
            return
        except OSError:
            client.close()
            return
        if not start:  # the client closed without a request
            client.close()
            return
        self._act(self._decide(start), client)

    def _on_readable(self, fd: int) -> None:
        self.poller.unregister(fd)
        _, client = self.pending.pop(fd)
        try:
            start = client.recv(32, socket.MSG_PEEK)
        except OSError:
            client.close()
            return
        if not start:
            client.close()
            return
        self._act(self._decide(start), client)

    def _act(self, decision: str, client: socket.socket) -> None:
        if decision == THREAD:
            self._pass(client)
        elif decision == HOLD:
            capacity.holding(1)
            self.held.append((time.monotonic() + capacity.page_wait(), client))
        else:
            _refuse(client)

    def _serve_held(self) -> None:
        """The pages held, oldest first: passed on when a place is free, refused when their wait is over."""
        now = time.monotonic()
        while self.held:
            deadline, client = self.held[0]
            if capacity.claim_place(waited=True):
                self.held.popleft()
                capacity.holding(-1)
                self._pass(client)
            elif deadline <= now:
                self.held.popleft()
                capacity.holding(-1)
                _refuse(client)
            else:
                return

    def _expire_pending(self) -> None:
        """Connections that have sent nothing within gunicorn's wait for a request are closed."""
        now = time.monotonic()
        for fd, (deadline, client) in list(self.pending.items()):
            if deadline <= now:
                self.poller.unregister(fd)
                del self.pending[fd]
                client.close()


class SheddingThreadWorker(ThreadWorker):  # type: ignore[misc]
    """``gthread`` whose connections come from the doormen, which answer the 503s."""

    passage: Passage | None = None
    doorman_pid = 0
    alive: bool  # gunicorn's, untyped there
    _accepting: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # In gunicorn's master, before the first worker is forked: every worker inherits them.
        if SheddingThreadWorker.passage is None:
            capacity.ensure_shared()
            SheddingThreadWorker.passage = Passage()

    def init_process(self) -> None:
        # The kernel hands over a connection once its request has come (Linux; nginx's
        # "deferred"): past the places, the doorman triages it at once.
        for listener in self.sockets:
            if hasattr(socket, "TCP_DEFER_ACCEPT") and listener.family in (socket.AF_INET, socket.AF_INET6):
                listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 1)
        assert self.passage is not None
        self.life, doorman_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        # Forked before the application is loaded: the doorman is small, and has no thread.
        pid = os.fork()
        if pid == 0:
            self.life.close()
            code = 0
            try:
                Doorman([listener.sock for listener in self.sockets], self.passage, doorman_end).run()
            except BaseException:
                traceback.print_exc()  # to gunicorn's error log; the worker then stops and is replaced
                code = 1
            os._exit(code)
        doorman_end.close()
        self.doorman_pid = pid
        try:
            super().init_process()
        finally:
            self._stop_doorman()

    def set_accept_enabled(self, enabled: bool) -> None:
        """The worker takes its connections from the passage, not from the listening sockets; it
        takes none while each of its threads has one."""
        enabled = enabled and self.alive and self.nr_conns < self.cfg.threads
        if enabled == self._accepting:
            return
        assert self.passage is not None
        if not self._accepting and not hasattr(self, "life_watched"):
            self.life.setblocking(False)
            self.poller.register(self.life, selectors.EVENT_READ, self._doorman_stopped)
            self.life_watched = True
        if enabled:
            self.poller.register(self.passage.readers, selectors.EVENT_READ, self.receive)
        else:
            self.poller.unregister(self.passage.readers)
            if not self.alive:  # stopping: its doorman stops accepting too
                self._stop_doorman()
        self._accepting = enabled

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        # gunicorn's loop only asks again when its own reason changes; the threads' load is ours.
        self.set_accept_enabled(self.nr_conns < self.worker_connections)
        super().wait_for_and_dispatch_events(timeout)

    def receive(self, readers: socket.socket) -> None:
        """A connection passed on by a doorman, to a thread."""
        assert self.passage is not None
        client = self.passage.receive()
        if client is None:
            return
        capacity.received()
        client.setblocking(True)
        try:
            address = client.getpeername()
            server = client.getsockname()
        except OSError:  # the client has gone already
            client.close()
            return
        self.nr_conns += 1
        super().enqueue_req(TConn(self.cfg, client, address, server))

    def _doorman_stopped(self, life: socket.socket) -> None:
        self.poller.unregister(life)
        if self.alive:
            self.log.error("The doorman of worker %s has stopped: the worker stops too.", self.pid)
            self.alive = False

    def enqueue_req(self, conn: TConn) -> None:
        """A kept-alive connection's next request (``GUNICORN_KEEPALIVE`` > 0), or one deferred by
        gunicorn, is counted on its way to ``CapacityGate`` as the passed ones are."""
        capacity.arriving()
        super().enqueue_req(conn)

    def handle(self, conn: TConn) -> Any:
        """In a thread: its request is counted on its way until ``CapacityGate`` sees it."""
        capacity.on_the_way()
        try:
            return super().handle(conn)
        finally:
            capacity.off_the_way()

    def _stop_doorman(self) -> None:
        if not self.doorman_pid:
            return
        with contextlib.suppress(OSError):
            self.life.shutdown(socket.SHUT_RDWR)
        self.life.close()
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            try:
                pid, _status = os.waitpid(self.doorman_pid, os.WNOHANG)
            except ChildProcessError:
                break
            if pid:
                break
            time.sleep(0.01)
        else:
            try:
                os.kill(self.doorman_pid, signal.SIGKILL)
                os.waitpid(self.doorman_pid, 0)
            except OSError as error:
                if error.errno not in (errno.ESRCH, errno.ECHILD):
                    raise
        self.doorman_pid = 0
