"""Permission-matrix rows of the news service, for ``tests/test_permission_matrix.py``.

Object kinds: ``own`` (an item of establishment ``a`` addressed to everybody, or a must-read
notice, a note of ``a``), ``other`` (the same in establishment ``c``: 404 to everybody) and
``unaddressed`` (an item of ``a`` addressed to the second class only: 404 to those it is not
addressed to, readable by those who manage the establishment's news).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.core.testing.world import World

from .helpers import enable_news, make_item, make_note

# url name                                  object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
news:item-list                              -      | 302  200  200  200  403  200  200  200  200  200  200  403
news:item-manage                            -      | 302  403  403  200  403  200  200  403  200  403  200  403
news:item-create                            -      | 302  403  403  200  403  200  200  403  200  403  200  403
news:item-detail                            own    | 302  200  200  200  403  200  200  200  200  200  200  403
news:item-detail                            unaddressed | 302  404  404  404  403  200  200  404  200  404  200  403
news:item-detail                            other  | 302  404  404  404  403  404  404  404  404  404  404  403
news:item-update                            own    | 302  404  404  404  403  200  200  404  200  404  200  403
news:item-update                            other  | 302  404  404  404  403  404  404  404  404  404  404  403
news:item-delete                            own    | 302  404  404  404  403  200  200  404  200  404  200  403
news:item-delete                            other  | 302  404  404  404  403  404  404  404  404  404  404  403
news:item-confirm                           own    | 302  405  405  405  403  405  405  405  405  405  405  403
news:item-confirm                           other  | 302  405  405  405  403  405  405  405  405  405  405  403
news:item-confirmations                     own    | 302  404  404  404  403  200  200  404  200  404  200  403
news:item-confirmations                     other  | 302  404  404  404  403  404  404  404  404  404  404  403
news:note-list                              -      | 302  403  403  200  403  200  200  200  200  200  200  403
news:note-create                            -      | 302  403  403  200  403  200  200  200  200  200  200  403
news:note-delete                            own    | 302  403  403  405  403  405  405  405  405  405  405  403
news:note-delete                            other  | 302  403  403  405  403  405  405  405  405  405  405  403
"""

# url name                                  object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
news:item-create                            -      | 302  403  403  200  403  200  200  403  200  403  200  403
news:item-update                            own    | 302  404  404  404  403  200  200  404  200  404  200  403
news:item-update                            other  | 302  404  404  404  403  404  404  404  404  404  404  403
news:item-delete                            own    | 302  404  404  404  403  302+ 302+ 404  302+ 404  302+ 403
news:item-delete                            other  | 302  404  404  404  403  404  404  404  404  404  404  403
news:item-confirm                           own    | 302  302+ 302+ 302+ 403  302+ 302+ 302+ 302+ 302+ 302+ 403
news:item-confirm                           other  | 302  404  404  404  403  404  404  404  404  404  404  403
news:note-create                            -      | 302  403  403  200  403  200  200  200  200  200  200  403
news:note-delete                            own    | 302  403  403  302+ 403  404  404  404  404  404  404  403
news:note-delete                            other  | 302  403  403  404  403  404  404  404  404  404  404  403
"""


def _item(world: World, which: str) -> dict[str, Any]:
    enable_news(world)
    if which == "unaddressed":
        return {"pk": make_item(world.a, classes=[world.a.class2], for_students=True, for_parents=True).pk}
    return {"pk": make_item(world.a if which == "own" else world.c).pk}


def _notice(world: World, which: str) -> dict[str, Any]:
    enable_news(world)
    return {"pk": make_item(world.a if which == "own" else world.c, requires_confirmation=True).pk}


def _note(world: World, which: str) -> dict[str, Any]:
    enable_news(world)
    return {"pk": make_note(world.a if which == "own" else world.c).pk}


def _service_on(world: World, which: str) -> dict[str, Any]:
    enable_news(world)
    return {}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "news:item-list": _service_on,
    "news:item-manage": _service_on,
    "news:item-create": _service_on,
    "news:note-list": _service_on,
    "news:note-create": _service_on,
    "news:item-detail": _item,
    "news:item-update": _item,
    "news:item-delete": _item,
    "news:item-confirm": _notice,
    "news:item-confirmations": _notice,
    "news:note-delete": _note,
}
