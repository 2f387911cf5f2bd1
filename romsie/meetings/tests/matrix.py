"""Permission-matrix rows of the parent–teacher meetings, for ``tests/test_permission_matrix.py``.

Every URL has an ``OBJECTS`` entry, which switches the service on in establishments ``a`` and
``c`` and builds, in each, an evening of the world's class with four slots of its teacher, the
first booked by the world's parent for their child.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.core.testing.world import World

from .builders import enable, objects

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
meetings:evening-list               -      | 302  403  200  200  403  200  403  403  403  403  403  403
meetings:evening-create             -      | 302  403  403  403  403  200  403  403  403  403  403  403
meetings:evening-overview           own    | 302  403  403  403  403  200  403  403  403  403  403  403
meetings:evening-overview           other  | 302  403  403  403  403  404  403  403  403  403  403  403
meetings:evening-update             own    | 302  403  403  403  403  200  403  403  403  403  403  403
meetings:evening-update             other  | 302  403  403  403  403  404  403  403  403  403  403  403
meetings:slot-editor                own    | 302  403  403  200  403  403  403  403  403  403  403  403
meetings:slot-editor                other  | 302  403  403  404  403  403  403  403  403  403  403  403
meetings:teacher-day                own    | 302  403  403  200  403  403  403  403  403  403  403  403
meetings:teacher-day                other  | 302  403  403  404  403  403  403  403  403  403  403  403
meetings:booking                    own    | 302  403  200  403  403  403  403  403  403  403  403  403
meetings:booking                    other  | 302  403  404  403  403  403  403  403  403  403  403  403
meetings:slot-delete                own    | 302  403  403  405  403  403  403  403  403  403  403  403
meetings:slot-delete                other  | 302  403  403  405  403  403  403  403  403  403  403  403
meetings:appointment-list           -      | 302  403  200  200  403  200  403  403  403  403  403  403
meetings:appointment-cancel         own    | 302  403  405  405  403  405  403  403  403  403  403  403
meetings:appointment-cancel         other  | 302  403  405  405  403  405  403  403  403  403  403  403
"""

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
meetings:evening-create             -      | 302  403  403  403  403  200  403  403  403  403  403  403
meetings:evening-update             own    | 302  403  403  403  403  200  403  403  403  403  403  403
meetings:evening-update             other  | 302  403  403  403  403  404  403  403  403  403  403  403
meetings:slot-editor                own    | 302  403  403  302+ 403  403  403  403  403  403  403  403
meetings:slot-editor                other  | 302  403  403  404  403  403  403  403  403  403  403  403
meetings:booking                    own    | 302  403  302+ 403  403  403  403  403  403  403  403  403
meetings:booking                    other  | 302  403  404  403  403  403  403  403  403  403  403  403
meetings:slot-delete                own    | 302  403  403  302+ 403  403  403  403  403  403  403  403
meetings:slot-delete                other  | 302  403  403  404  403  403  403  403  403  403  403  403
meetings:appointment-cancel         own    | 302  403  302+ 302+ 403  404  403  403  403  403  403  403
meetings:appointment-cancel         other  | 302  403  404  404  403  404  403  403  403  403  403  403
"""


def _none(w: World, which: str) -> dict[str, Any]:
    enable(w.a, w.c)
    return {}


def _pk(key: str) -> Callable[[World, str], dict[str, Any]]:
    def build(w: World, which: str) -> dict[str, Any]:
        enable(w.a, w.c)
        objects(w.c)
        return {"pk": objects(w.a if which == "own" else w.c)[key].pk}

    return build


def _book_free_slot(w: World, which: str) -> dict[str, Any]:
    """The parent of ``a`` chooses the free slot of their child's second teacher."""
    slot = objects(w.a)["bookable"]
    return {f"c{w.a.student.pk}-t{slot.teacher_id}": str(slot.pk)}


def _publish_slots(w: World, which: str) -> dict[str, Any]:
    """Slots from 19:00 to 19:30 (the world's slots end at 17:40)."""
    return {"starts_at": "19:00", "ends_at": "19:30", "slot_minutes": "10"}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "meetings:evening-list": _none,
    "meetings:evening-create": _none,
    "meetings:appointment-list": _none,
    "meetings:evening-overview": _pk("evening"),
    "meetings:evening-update": _pk("evening"),
    "meetings:slot-editor": _pk("evening"),
    "meetings:teacher-day": _pk("evening"),
    "meetings:booking": _pk("evening"),
    "meetings:slot-delete": _pk("free_slot"),
    "meetings:appointment-cancel": _pk("appointment"),
}

# Bodies that make each action do something: a POST by someone who may not act would then
# add a row (a "+" in its cell), or change one if refused.
POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "meetings:booking": _book_free_slot,
    "meetings:slot-editor": _publish_slots,
}
