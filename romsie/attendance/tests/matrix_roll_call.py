"""Permission-matrix rows of the roll call, joined by ``matrix.py``."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from romsie.core.testing.world import World
from romsie.homework.tests.builders import session_on

from .builders import enable

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
attendance:roll-call                own    | 302  403  403  200  403  200  200  403  403  403  403  403
attendance:roll-call                other  | 302  403  403  404  403  404  404  403  403  403  403  403
attendance:roll-call-list           -      | 302  403  403  200  403  403  403  403  403  403  403  403
attendance:roll-call-missing        -      | 302  403  403  403  403  200  200  403  403  403  403  403
attendance:roll-call-remind         -      | 302  403  403  403  403  405  405  403  403  403  403  403
"""

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
attendance:roll-call                own    | 302  403  403  302+ 403  302+ 302+ 403  403  403  403  403
attendance:roll-call                other  | 302  403  403  404  403  404  404  403  403  403  403  403
attendance:roll-call-remind         -      | 302  403  403  403  403  302+ 302+ 403  403  403  403  403
"""


def _enabled(world: World, which: str) -> dict[str, Any]:
    enable(world.a, world.c)
    return {}


def _yesterday_session(world: World, which: str) -> dict[str, Any]:
    """A session of yesterday of the establishment's teaching (``a``'s, or ``c``'s for "other")."""
    enable(world.a, world.c)
    ew = world.a if which == "own" else world.c
    session = session_on(ew.teaching, timezone.localdate() - datetime.timedelta(days=1))
    return {"pk": session.pk}


def _remind_data(world: World, which: str) -> dict[str, Any]:
    """Yesterday, when ``a`` has a session not called."""
    enable(world.a, world.c)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    session_on(world.a.teaching, yesterday, hour=10)
    return {"date": yesterday.isoformat()}


def _absent_mark(world: World, which: str) -> dict[str, Any]:
    ew = world.a if which == "own" else world.c
    return {f"status-{ew.student.pk}": "absent", f"minutes-{ew.student.pk}": ""}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "attendance:roll-call": _yesterday_session,
    "attendance:roll-call-list": _enabled,
    "attendance:roll-call-missing": _enabled,
    "attendance:roll-call-remind": _enabled,
}
POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "attendance:roll-call": _absent_mark,
    "attendance:roll-call-remind": _remind_data,
}
