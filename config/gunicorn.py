"""gunicorn settings for production: ``gunicorn config.wsgi -c config/gunicorn.py``.

Threaded workers (``gthread``) share one count of the pages being served, kept in shared
memory created here before the workers are forked (``romsie.core.capacity``). Each worker's
doorman, a process of its own, accepts the connections and keeps the queue
(``config.workers.SheddingThreadWorker``): past the places a page waits there, holding no
thread, for up to ``ROMSIE_CAPACITY_WAIT_MS``, and the excess gets 503 with ``Retry-After``
from the doorman at once. With one-request ("sync")
workers the excess would wait unseen in the kernel's queue until the client gave up.
"""

import gc
import itertools
import os
import sys
from typing import Any

from romsie.core import capacity

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "5"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "config.workers.SheddingThreadWorker")
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
# No keep-alive: each request is a new connection, taken by whichever worker is free. A kept
# connection stays with the worker that took it, and a worker holding several busy ones
# shares one core between them while another worker idles (the reverse proxy keeps the
# browsers' connections alive).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "0"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))


def on_starting(server: Any) -> None:
    # Room for every worker and for replacements started while old ones finish.
    capacity.share(slots=2 * workers + 4)
    warning = capacity.database_connections_warning(
        workers=workers, threads=threads, database_url=os.environ.get("DATABASE_URL", "")
    )
    if warning:
        server.log.warning(warning)


def pre_fork(server: Any, worker: Any) -> None:
    worker.capacity_slot = capacity.assign_slot()


def post_fork(server: Any, worker: Any) -> None:
    capacity.use_slot(worker.capacity_slot)
    # How long a thread holding the GIL runs before another may take it (Python's default: 5 ms).
    # Shorter, the worker's main thread gets it sooner between the pages' threads, to take a
    # connection its doorman has passed on.
    sys.setswitchinterval(float(os.environ.get("GUNICORN_SWITCH_INTERVAL_MS", "1")) / 1000)


# Python's full collections walk every object the worker holds: about 225,000 once Django and
# every app are loaded, so each took 100-500 ms and stalled the requests in that worker (the
# p99 of every page). Objects that live as long as the
# worker are moved out of the collector's sight (``gc.freeze``) once the application is
# loaded, and again once the first pages have built what is made lazily (templates,
# translation catalogues, the pages' compiled parts), after the worker's 500th page and its
# 5,000th (``GUNICORN_GC_FREEZE_AFTER``; health checks build nothing and are not counted).
# A full collection then walks the few objects made since. Garbage in a reference cycle is
# still collected as before.
FREEZE_AFTER_PAGES = frozenset(
    int(count) for count in os.environ.get("GUNICORN_GC_FREEZE_AFTER", "500,5000").split(",") if count.strip()
)
HEALTH_CHECK = "/sante/"


def post_worker_init(worker: Any) -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every app's views now rather than at a first request)
    gc.collect()
    gc.freeze()
    worker.pages_served = itertools.count(1)


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    if req.path.startswith(HEALTH_CHECK):
        return
    if next(worker.pages_served) in FREEZE_AFTER_PAGES:
        gc.collect()
        gc.freeze()


def child_exit(server: Any, worker: Any) -> None:
    capacity.release_slot(worker.capacity_slot)
