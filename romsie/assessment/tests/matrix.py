"""Permission-matrix rows of marks and report cards, for ``tests/test_permission_matrix.py``.

Each part keeps its rows in its own module (``matrix_<part>.py``); this one joins them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from romsie.core.testing.world import World

from ..models import Council
from .builders import enable, period_of, report_card_for

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
assessment:home                     -      | 302  302  302  302  403  302  403  403  403  403  403  403
assessment:report-card-file         own    | 302  200  200  404  403  200  403  403  403  403  403  403
assessment:report-card-file         other  | 302  404  404  404  403  404  403  403  403  403  403  403
"""
POST_MATRIX = ""
OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {}
POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {}


def _enabled(world: World, which: str) -> dict[str, Any]:
    enable(world.a, world.c)
    return {}


OBJECTS["assessment:home"] = _enabled


def _report_card(world: World, which: str) -> dict[str, Any]:
    """A published report card of ``a``'s student (own) or of ``c``'s (other)."""
    enable(world.a, world.c)
    ew = world.a if which == "own" else world.c
    council = Council.objects.create(
        establishment=ew.establishment,
        period=period_of(ew),
        school_class=ew.school_class,
        status=Council.Status.PUBLISHED,
    )
    card = report_card_for(ew, council)
    return {"pk": card.pk}


OBJECTS["assessment:report-card-file"] = _report_card

for _part in ("marks", "competencies", "councils", "family"):
    try:
        _module = importlib.import_module(f"{__package__}.matrix_{_part}")
    except ModuleNotFoundError as error:
        if error.name != f"{__package__}.matrix_{_part}":
            raise
        continue
    MATRIX += _module.MATRIX
    POST_MATRIX += getattr(_module, "POST_MATRIX", "")
    OBJECTS.update(getattr(_module, "OBJECTS", {}))
    POST_DATA.update(getattr(_module, "POST_DATA", {}))
