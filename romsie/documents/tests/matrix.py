"""Permission-matrix rows of the documents service, for ``tests/test_permission_matrix.py``.

Every documents URL has an entry in ``OBJECTS``: the builders switch the service on in
establishments ``a`` and ``c`` before the requests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.core.testing.world import EstablishmentWorld, World

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
documents:home                      -      | 302  200  200  200  200  200  200  200  200  200  200  403
"""

POST_MATRIX = """
"""


def enable(*worlds: EstablishmentWorld) -> None:
    """Switch the documents service on in these establishments."""
    for ew in worlds:
        if "documents" not in ew.establishment.enabled_services:
            ew.establishment.enabled_services = [*ew.establishment.enabled_services, "documents"]
            ew.establishment.save(update_fields=["enabled_services"])


def _none(w: World, which: str) -> dict[str, Any]:
    enable(w.a, w.c)
    return {}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "documents:home": _none,
}
