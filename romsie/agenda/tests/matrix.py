"""Permission-matrix rows of the agendas, for ``tests/test_permission_matrix.py``.

The "own" object is an establishment event of ``a`` published by its head for everyone (the
teacher is invited to it); "other" is the same in establishment ``c``. Every builder switches
the agenda service on in ``a`` and ``c``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.communities.tests import builders as community_builders
from romsie.core.testing.world import World

from .builders import enable, event, invite

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
agenda:week                         -      | 302  200  200  200  403  200  200  200  200  200  200  403
agenda:upcoming                     -      | 302  200  200  200  403  200  200  200  200  200  200  403
agenda:event-create                 -      | 302  200  200  200  403  200  200  200  200  200  200  403
agenda:event-detail                 own    | 302  200  200  200  403  200  200  200  200  200  200  403
agenda:event-detail                 other  | 302  404  404  404  403  404  404  404  404  404  404  403
agenda:event-update                 own    | 302  404  404  404  403  200  200  404  200  404  404  403
agenda:event-update                 other  | 302  404  404  404  403  404  404  404  404  404  404  403
agenda:event-delete                 own    | 302  404  404  404  403  200  200  404  200  404  404  403
agenda:event-delete                 other  | 302  404  404  404  403  404  404  404  404  404  404  403
agenda:event-invite                 own    | 302  404  404  404  403  200  200  404  200  404  404  403
agenda:event-invite                 other  | 302  404  404  404  403  404  404  404  404  404  404  403
agenda:invitation-answer            own    | 302  405  405  405  403  405  405  405  405  405  405  403
agenda:invitation-answer            other  | 302  405  405  405  403  405  405  405  405  405  405  403
agenda:people-search                -      | 302  200  200  200  403  200  200  200  200  200  200  403
agenda:community                    own    | 302  200  404  200  403  404  404  404  404  404  404  403
agenda:community                    other  | 302  404  404  404  403  404  404  404  404  404  404  403
caldav:endpoint                     -      | 401  401  401  401  401  401  401  401  401  401  401  401
caldav:well-known                   -      | 302  302  302  302  302  302  302  302  302  302  302  302
"""

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
agenda:event-create                 -      | 302  200  200  200  403  200  200  200  200  200  200  403
agenda:event-update                 own    | 302  404  404  404  403  200  200  404  200  404  404  403
agenda:event-update                 other  | 302  404  404  404  403  404  404  404  404  404  404  403
agenda:event-delete                 own    | 302  404  404  404  403  302+ 302+ 404  302+ 404  404  403
agenda:event-delete                 other  | 302  404  404  404  403  404  404  404  404  404  404  403
agenda:event-invite                 own    | 302  404  404  404  403  200  200  404  200  404  404  403
agenda:event-invite                 other  | 302  404  404  404  403  404  404  404  404  404  404  403
agenda:invitation-answer            own    | 302  302  302  302  403  302  302  302  302  302  302  403
agenda:invitation-answer            other  | 302  404  404  404  403  404  404  404  404  404  404  403
caldav:endpoint                     -      | 401  401  401  401  401  401  401  401  401  401  401  401
"""


def _none(w: World, which: str) -> dict[str, Any]:
    enable(w.a, w.c)
    return {}


def _event(w: World, which: str) -> dict[str, Any]:
    enable(w.a, w.c)
    ew = w.a if which == "own" else w.c
    row = event(ew)
    invite(row, ew.teacher)
    return {"pk": row.pk}


def _community(w: World, which: str) -> dict[str, Any]:
    """A community of ``a`` (or ``c``) whose members are its teacher, student and partner."""
    enable(w.a, w.c)
    community_builders.enable(w)
    return {"pk": community_builders.community(w.a if which == "own" else w.c).pk}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "agenda:community": _community,
    "agenda:week": _none,
    "agenda:upcoming": _none,
    "agenda:event-create": _none,
    "agenda:people-search": _none,
    "agenda:event-detail": _event,
    "agenda:event-update": _event,
    "agenda:event-delete": _event,
    "agenda:event-invite": _event,
    "agenda:invitation-answer": _event,
    "caldav:endpoint": _none,
    "caldav:well-known": _none,
}

# The teacher's answer, so that their POST records something (the others are not invited).
POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "agenda:invitation-answer": lambda w, which: {"answer": "accepted"},
}
