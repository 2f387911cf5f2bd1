"""Permission-matrix rows of the video meetings, for ``tests/test_permission_matrix.py``.

Object kinds: a class meeting of the world's class organised by its teacher, in ``a`` (``own``)
or in ``c`` (``other``). No server is configured, so the people a meeting is for are told so
(503) when they follow its join link; the others do not find it (404).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.core.testing.world import World

from .builders import class_meeting

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
videomeetings:meeting-list          -      | 302  200  200  200  403  200  200  200  200  200  200  403
videomeetings:meeting-create        -      | 302  403  403  200  403  200  403  403  403  403  403  403
videomeetings:people-search         -      | 302  403  403  200  403  200  403  403  403  403  403  403
videomeetings:server-settings       -      | 302  403  403  403  403  403  403  403  403  403  403  200
videomeetings:meeting-update        own    | 302  403  403  200  403  404  403  403  403  403  403  403
videomeetings:meeting-update        other  | 302  403  403  404  403  404  403  403  403  403  403  403
videomeetings:meeting-cancel        own    | 302  403  403  200  403  404  403  403  403  403  403  403
videomeetings:meeting-cancel        other  | 302  403  403  404  403  404  403  403  403  403  403  403
videomeetings:meeting-join          own    | 302  503  503  503  403  404  404  404  404  404  404  403
videomeetings:meeting-join          other  | 302  404  404  404  403  404  404  404  404  404  404  403
"""

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
videomeetings:meeting-create        -      | 302  403  403  200  403  200  403  403  403  403  403  403
videomeetings:server-settings       -      | 302  403  403  403  403  403  403  403  403  403  403  200
videomeetings:meeting-update        own    | 302  403  403  200  403  404  403  403  403  403  403  403
videomeetings:meeting-update        other  | 302  403  403  404  403  404  403  403  403  403  403  403
videomeetings:meeting-cancel        own    | 302  403  403  302+ 403  404  403  403  403  403  403  403
videomeetings:meeting-cancel        other  | 302  403  403  404  403  404  403  403  403  403  403  403
"""


def _meeting(world: World, which: str) -> dict[str, Any]:
    ew = world.a if which == "own" else world.c
    return {"pk": class_meeting(ew, with_guardians=True).pk}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "videomeetings:meeting-update": _meeting,
    "videomeetings:meeting-cancel": _meeting,
    "videomeetings:meeting-join": _meeting,
}
