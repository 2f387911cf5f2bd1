"""Permission-matrix rows of the schooling app's pages, for ``tests/test_permission_matrix.py``.

The social features of students: the establishment's table (head and digital lead) and the
territory's ceiling (territory admins; ``own`` is territory ``north``, which the territory
admin administers, ``other`` is ``south``: 404 to them too). An empty POST is a valid form
(every box unticked): it saves, so the allowed cells add rows (``302+``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.core.testing.world import World

# url name                                  object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
schooling:social-settings                   -      | 302  403  403  403  403  200  403  403  403  403  200  403
schooling:social-ceiling                    own    | 302  403  403  403  403  403  403  403  403  403  403  200
schooling:social-ceiling                    other  | 302  403  403  403  403  403  403  403  403  403  403  404
"""

# url name                                  object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
schooling:social-settings                   -      | 302  403  403  403  403  302+ 403  403  403  403  302+ 403
schooling:social-ceiling                    own    | 302  403  403  403  403  403  403  403  403  403  403  302+
schooling:social-ceiling                    other  | 302  403  403  403  403  403  403  403  403  403  403  404
"""


def _territory(world: World, which: str) -> dict[str, Any]:
    return {"pk": (world.north if which == "own" else world.south).pk}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "schooling:social-ceiling": _territory,
}
