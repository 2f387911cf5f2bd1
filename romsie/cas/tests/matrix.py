"""Permission-matrix rows of the CAS server, for ``tests/test_permission_matrix.py``.

The protocol's endpoints are public: without a ``service`` the login sends everybody on (to the
sign-in page, or to the dashboard when signed in), the validations answer an XML failure (200)
and the logout shows its confirmation page. Object kinds of the territory pages: the territory
``north`` (``own``) or ``south`` (``other``), and a service each of them registered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.core.testing.world import World

from .builders import register

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
cas:login                           -      | 302  302  302  302  302  302  302  302  302  302  302  302
cas:logout                          -      | 200  200  200  200  200  200  200  200  200  200  200  200
cas:validate                        -      | 200  200  200  200  200  200  200  200  200  200  200  200
cas:service-validate                -      | 200  200  200  200  200  200  200  200  200  200  200  200
cas:p3-service-validate             -      | 200  200  200  200  200  200  200  200  200  200  200  200
cas:service-list                    own    | 302  403  403  403  403  403  403  403  403  403  403  200
cas:service-list                    other  | 302  403  403  403  403  403  403  403  403  403  403  404
cas:service-create                  own    | 302  403  403  403  403  403  403  403  403  403  403  200
cas:service-create                  other  | 302  403  403  403  403  403  403  403  403  403  403  404
cas:service-update                  own    | 302  403  403  403  403  403  403  403  403  403  403  200
cas:service-update                  other  | 302  403  403  403  403  403  403  403  403  403  403  404
cas:service-delete                  own    | 302  403  403  403  403  403  403  403  403  403  403  200
cas:service-delete                  other  | 302  403  403  403  403  403  403  403  403  403  403  404
"""

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
cas:login                           -      | 405  405  405  405  405  405  405  405  405  405  405  405
cas:logout                          -      | 302  302+ 302+ 302+ 302+ 302+ 302+ 302+ 302+ 302+ 302+ 302+
cas:service-create                  own    | 302  403  403  403  403  403  403  403  403  403  403  200
cas:service-create                  other  | 302  403  403  403  403  403  403  403  403  403  403  404
cas:service-update                  own    | 302  403  403  403  403  403  403  403  403  403  403  200
cas:service-update                  other  | 302  403  403  403  403  403  403  403  403  403  403  404
cas:service-delete                  own    | 302  403  403  403  403  403  403  403  403  403  403  302+
cas:service-delete                  other  | 302  403  403  403  403  403  403  403  403  403  403  404
"""


def _territory(world: World, which: str) -> dict[str, Any]:
    return {"pk": (world.north if which == "own" else world.south).pk}


def _service(world: World, which: str) -> dict[str, Any]:
    return {"pk": register(world.north if which == "own" else world.south).pk}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "cas:service-list": _territory,
    "cas:service-create": _territory,
    "cas:service-update": _service,
    "cas:service-delete": _service,
}
