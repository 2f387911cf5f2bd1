"""Permission-matrix rows of resource booking, for ``tests/test_permission_matrix.py``.

Every booking URL has an entry in ``OBJECTS`` (URLs without arguments return no kwargs) so that
establishments ``a`` and ``c`` have the booking service on before the requests. The objects: a
resource whose kind lets teachers, the head, the office and the digital lead book it (school
life, the librarian and after-school staff see it but may not book it) with validation by a
manager, and the teacher's pending booking of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.core.testing.world import World

from .builders import a_day, enable, objects

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
booking:resource-list               -      | 302  403  403  200  403  200  200  200  200  200  200  403
booking:resource-week               own    | 302  403  403  200  403  200  200  200  200  200  200  403
booking:resource-week               other  | 302  403  403  404  403  404  404  404  404  404  404  403
booking:resource-day                own    | 302  403  403  200  403  200  200  200  200  200  200  403
booking:resource-day                other  | 302  403  403  404  403  404  404  404  404  404  404  403
booking:booking-create              own    | 302  403  403  200  403  200  403  403  200  403  200  403
booking:booking-create              other  | 302  403  403  404  403  404  404  404  404  404  404  403
booking:mine                        -      | 302  403  403  200  403  200  200  200  200  200  200  403
booking:booking-cancel              own    | 302  403  403  405  403  405  405  405  405  405  405  403
booking:booking-cancel              other  | 302  403  403  405  403  405  405  405  405  405  405  403
booking:queue                       -      | 302  403  403  403  403  200  403  403  403  403  200  403
booking:booking-validate            own    | 302  403  403  405  403  405  405  405  405  405  405  403
booking:booking-validate            other  | 302  403  403  405  403  405  405  405  405  405  405  403
booking:booking-refuse              own    | 302  403  403  404  403  200  404  404  404  404  200  403
booking:booking-refuse              other  | 302  403  403  404  403  404  404  404  404  404  404  403
booking:manage                      -      | 302  403  403  403  403  200  403  403  403  403  200  403
booking:kind-create                 -      | 302  403  403  403  403  200  403  403  403  403  200  403
booking:kind-update                 own    | 302  403  403  403  403  200  403  403  403  403  200  403
booking:kind-update                 other  | 302  403  403  403  403  404  403  403  403  403  404  403
booking:resource-create             -      | 302  403  403  403  403  200  403  403  403  403  200  403
booking:resource-update             own    | 302  403  403  403  403  200  403  403  403  403  200  403
booking:resource-update             other  | 302  403  403  403  403  404  403  403  403  403  404  403
booking:manager-search              -      | 302  403  403  403  403  200  403  403  403  403  200  403
"""

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
booking:booking-create              own    | 302  403  403  302+ 403  302+ 403  403  302+ 403  302+ 403
booking:booking-create              other  | 302  403  403  404  403  404  404  404  404  404  404  403
booking:booking-cancel              own    | 302  403  403  302  403  404  404  404  404  404  404  403
booking:booking-cancel              other  | 302  403  403  404  403  404  404  404  404  404  404  403
booking:booking-validate            own    | 302  403  403  404  403  302+ 404  404  404  404  302+ 403
booking:booking-validate            other  | 302  403  403  404  403  404  404  404  404  404  404  403
booking:booking-refuse              own    | 302  403  403  404  403  302+ 404  404  404  404  302+ 403
booking:booking-refuse              other  | 302  403  403  404  403  404  404  404  404  404  404  403
booking:kind-create                 -      | 302  403  403  403  403  302+ 403  403  403  403  302+ 403
booking:kind-update                 own    | 302  403  403  403  403  200  403  403  403  403  200  403
booking:kind-update                 other  | 302  403  403  403  403  404  403  403  403  403  404  403
booking:resource-create             -      | 302  403  403  403  403  200  403  403  403  403  200  403
booking:resource-update             own    | 302  403  403  403  403  200  403  403  403  403  200  403
booking:resource-update             other  | 302  403  403  403  403  404  403  403  403  403  404  403
"""


def _both(w: World) -> None:
    enable(w.a, w.c)


def _pk(key: str) -> Callable[[World, str], dict[str, Any]]:
    def build(w: World, which: str) -> dict[str, Any]:
        _both(w)
        return {"pk": objects(w.a if which == "own" else w.c)[key].pk}

    return build


def _none(w: World, which: str) -> dict[str, Any]:
    _both(w)
    return {}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "booking:resource-list": _none,
    "booking:mine": _none,
    "booking:queue": _none,
    "booking:manage": _none,
    "booking:kind-create": _none,
    "booking:resource-create": _none,
    "booking:manager-search": _none,
    "booking:resource-week": _pk("resource"),
    "booking:resource-day": _pk("resource"),
    "booking:booking-create": _pk("resource"),
    "booking:booking-cancel": _pk("booking"),
    "booking:booking-validate": _pk("booking"),
    "booking:booking-refuse": _pk("booking"),
    "booking:kind-update": _pk("kind"),
    "booking:resource-update": _pk("resource"),
}

# Bodies that make each action do something: a POST by someone who may not act would then add
# a row (a "+" in its cell), or change one if refused.
POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "booking:booking-create": lambda w, which: {
        "day": a_day(weeks=2).isoformat(),
        "starts_at": "14:00",
        "ends_at": "15:00",
        "purpose": "Conseil pédagogique",
    },
    "booking:booking-cancel": lambda w, which: {"serie": "1"},
    "booking:booking-refuse": lambda w, which: {"reason": "Salle fermée"},
    "booking:kind-create": lambda w, which: {
        "name": "Chariot mobile",
        "profiles": ["teacher"],
        "max_days_ahead": "30",
        "max_minutes": "120",
    },
}
