"""A tiny WSGI application behind the capacity gate, for the shedding worker's test.

``/lent/`` takes a second, ``/sante/`` answers at once, anything else answers at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from romsie.core.capacity import CapacityGate


def _app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO") == "/lent/":
        time.sleep(1.0)
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


app = CapacityGate(_app)
