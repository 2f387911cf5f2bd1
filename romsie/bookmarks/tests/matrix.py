"""Permission-matrix rows of the bookmarks, for ``tests/test_permission_matrix.py``.

Object kinds: a bookmark ``own`` (the parent of ``a``'s: theirs alone) or ``other`` (the parent
of ``c``'s); a family-service link ``own`` (of territory ``north``, which the territory admin
administers) or ``other`` (of ``south``: 404 to them too).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.core.testing.world import World

from .helpers import make_bookmark, make_family_link, make_pushed

# url name                                  object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
bookmarks:bookmark-list                     -      | 302  200  200  200  200  200  200  200  200  200  200  403
bookmarks:bookmark-create                   -      | 302  200  200  200  200  200  200  200  200  200  200  403
bookmarks:bookmark-update                   own    | 302  404  200  404  404  404  404  404  404  404  404  403
bookmarks:bookmark-update                   other  | 302  404  404  404  404  404  404  404  404  404  404  403
bookmarks:bookmark-delete                   own    | 302  405  405  405  405  405  405  405  405  405  405  403
bookmarks:bookmark-delete                   other  | 302  405  405  405  405  405  405  405  405  405  405  403
bookmarks:bookmark-move                     own    | 302  405  405  405  405  405  405  405  405  405  405  403
bookmarks:bookmark-move                     other  | 302  405  405  405  405  405  405  405  405  405  405  403
bookmarks:pushed-list                       -      | 302  403  403  403  403  200  403  403  403  403  200  403
bookmarks:pushed-create                     -      | 302  403  403  403  403  200  403  403  403  403  200  403
bookmarks:pushed-update                     own    | 302  403  403  403  403  200  403  403  403  403  200  403
bookmarks:pushed-update                     other  | 302  403  403  403  403  404  403  403  403  403  404  403
bookmarks:pushed-delete                     own    | 302  403  403  403  403  405  403  403  403  403  405  403
bookmarks:pushed-delete                     other  | 302  403  403  403  403  405  403  403  403  403  405  403
bookmarks:family-link-list                  -      | 302  403  403  403  403  403  403  403  403  403  403  200
bookmarks:family-link-create                -      | 302  403  403  403  403  403  403  403  403  403  403  200
bookmarks:family-link-update                own    | 302  403  403  403  403  403  403  403  403  403  403  200
bookmarks:family-link-update                other  | 302  403  403  403  403  403  403  403  403  403  403  404
bookmarks:family-link-delete                own    | 302  403  403  403  403  403  403  403  403  403  403  405
bookmarks:family-link-delete                other  | 302  403  403  403  403  403  403  403  403  403  403  405
"""

# url name                                  object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
bookmarks:bookmark-create                   -      | 302  200  200  200  200  200  200  200  200  200  200  403
bookmarks:bookmark-update                   own    | 302  404  200  404  404  404  404  404  404  404  404  403
bookmarks:bookmark-update                   other  | 302  404  404  404  404  404  404  404  404  404  404  403
bookmarks:bookmark-delete                   own    | 302  404  302+ 404  404  404  404  404  404  404  404  403
bookmarks:bookmark-delete                   other  | 302  404  404  404  404  404  404  404  404  404  404  403
bookmarks:bookmark-move                     own    | 302  404  302  404  404  404  404  404  404  404  404  403
bookmarks:bookmark-move                     other  | 302  404  404  404  404  404  404  404  404  404  404  403
bookmarks:pushed-create                     -      | 302  403  403  403  403  200  403  403  403  403  200  403
bookmarks:pushed-update                     own    | 302  403  403  403  403  200  403  403  403  403  200  403
bookmarks:pushed-update                     other  | 302  403  403  403  403  404  403  403  403  403  404  403
bookmarks:pushed-delete                     own    | 302  403  403  403  403  302+ 403  403  403  403  302+ 403
bookmarks:pushed-delete                     other  | 302  403  403  403  403  404  403  403  403  403  404  403
bookmarks:family-link-create                -      | 302  403  403  403  403  403  403  403  403  403  403  200
bookmarks:family-link-update                own    | 302  403  403  403  403  403  403  403  403  403  403  200
bookmarks:family-link-update                other  | 302  403  403  403  403  403  403  403  403  403  403  404
bookmarks:family-link-delete                own    | 302  403  403  403  403  403  403  403  403  403  403  302+
bookmarks:family-link-delete                other  | 302  403  403  403  403  403  403  403  403  403  403  404
"""


def _bookmark(world: World, which: str) -> dict[str, Any]:
    return {"pk": make_bookmark(world.a.parent if which == "own" else world.c.parent).pk}


def _pushed(world: World, which: str) -> dict[str, Any]:
    return {"pk": make_pushed(world.a.establishment if which == "own" else world.c.establishment).pk}


def _family_link(world: World, which: str) -> dict[str, Any]:
    return {"pk": make_family_link(world.north if which == "own" else world.south).pk}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "bookmarks:bookmark-update": _bookmark,
    "bookmarks:bookmark-delete": _bookmark,
    "bookmarks:bookmark-move": _bookmark,
    "bookmarks:pushed-update": _pushed,
    "bookmarks:pushed-delete": _pushed,
    "bookmarks:family-link-update": _family_link,
    "bookmarks:family-link-delete": _family_link,
}
