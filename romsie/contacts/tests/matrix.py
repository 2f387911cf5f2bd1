"""Permission-matrix rows of the address book, for ``tests/test_permission_matrix.py``.

Object kinds: ``own`` (a contact or group of the parent of establishment ``a``: theirs alone,
404 to everybody else, staff included) and ``other`` (the same for the parent of ``c``: 404).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.core.testing.world import World

from .helpers import make_contact, make_group

# url name                                  object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
contacts:contact-list                       -      | 302  200  200  200  200  200  200  200  200  200  200  403
contacts:contact-create                     -      | 302  200  200  200  200  200  200  200  200  200  200  403
contacts:contact-detail                     own    | 302  404  200  404  404  404  404  404  404  404  404  403
contacts:contact-detail                     other  | 302  404  404  404  404  404  404  404  404  404  404  403
contacts:contact-update                     own    | 302  404  200  404  404  404  404  404  404  404  404  403
contacts:contact-update                     other  | 302  404  404  404  404  404  404  404  404  404  404  403
contacts:contact-delete                     own    | 302  404  200  404  404  404  404  404  404  404  404  403
contacts:contact-delete                     other  | 302  404  404  404  404  404  404  404  404  404  404  403
contacts:person-search                      -      | 302  200  200  200  200  200  200  200  200  200  200  403
contacts:group-list                         -      | 302  200  200  200  200  200  200  200  200  200  200  403
contacts:group-update                       own    | 302  404  200  404  404  404  404  404  404  404  404  403
contacts:group-update                       other  | 302  404  404  404  404  404  404  404  404  404  404  403
contacts:group-delete                       own    | 302  405  405  405  405  405  405  405  405  405  405  403
contacts:group-delete                       other  | 302  405  405  405  405  405  405  405  405  405  405  403
contacts:contact-import                     -      | 302  200  200  200  200  200  200  200  200  200  200  403
contacts:contact-export                     -      | 302  200  200  200  200  200  200  200  200  200  200  403
carddav:endpoint                            -      | 401  401  401  401  401  401  401  401  401  401  401  401
carddav:well-known                          -      | 302  302  302  302  302  302  302  302  302  302  302  302
"""

# url name                                  object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
contacts:contact-create                     -      | 302  200  200  200  200  200  200  200  200  200  200  403
contacts:contact-update                     own    | 302  404  200  404  404  404  404  404  404  404  404  403
contacts:contact-update                     other  | 302  404  404  404  404  404  404  404  404  404  404  403
contacts:contact-delete                     own    | 302  404  302+ 404  404  404  404  404  404  404  404  403
contacts:contact-delete                     other  | 302  404  404  404  404  404  404  404  404  404  404  403
contacts:group-list                         -      | 302  200  200  200  200  200  200  200  200  200  200  403
contacts:group-update                       own    | 302  404  200  404  404  404  404  404  404  404  404  403
contacts:group-update                       other  | 302  404  404  404  404  404  404  404  404  404  404  403
contacts:group-delete                       own    | 302  404  302+ 404  404  404  404  404  404  404  404  403
contacts:group-delete                       other  | 302  404  404  404  404  404  404  404  404  404  404  403
contacts:contact-import                     -      | 302  200  200  200  200  200  200  200  200  200  200  403
carddav:endpoint                            -      | 401  401  401  401  401  401  401  401  401  401  401  401
"""


def _owner(world: World, which: str) -> Any:
    return world.a.parent if which == "own" else world.c.parent


def _contact(world: World, which: str) -> dict[str, Any]:
    return {"pk": make_contact(_owner(world, which)).pk}


def _group(world: World, which: str) -> dict[str, Any]:
    return {"pk": make_group(_owner(world, which)).pk}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "contacts:contact-detail": _contact,
    "contacts:contact-update": _contact,
    "contacts:contact-delete": _contact,
    "contacts:group-update": _group,
    "contacts:group-delete": _group,
}
