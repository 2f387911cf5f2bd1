"""A tiny WSGI application behind the capacity gate, for the shedding worker's test.

``/lent/`` takes a second, ``/tres-lent/`` three, ``/interminable/`` eight; ``/processus/``
answers the number of the worker's process; anything else (``/sante/`` too) answers at once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from typing import Any

from romsie.core.capacity import CapacityGate

SLOW = {"/lent/": 1.0, "/tres-lent/": 3.0, "/interminable/": 8.0}


def _app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path = environ.get("PATH_INFO")
    if path in SLOW:
        time.sleep(SLOW[path])
    if path == "/processus/":
        body = str(os.getpid()).encode()
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


app = CapacityGate(_app)
