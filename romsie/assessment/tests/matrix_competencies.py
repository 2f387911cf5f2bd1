"""Permission-matrix rows of competencies (joined by ``matrix.py``).

Objects: an item of ``a`` (own) or of ``c`` (other) never evaluated; an assessment of the
world's teaching listing that item; the world's student; the world's class.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.core.testing.world import EstablishmentWorld, World

from ..models import Assessment, Competency
from .builders import assessment_for, enable
from .builders_competencies import component, item_for

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
assessment:competency-list          -      | 302  403  403  200  403  200  403  403  403  403  403  403
assessment:competency-create        -      | 302  403  403  200  403  200  403  403  403  403  403  403
assessment:competency-update        own    | 302  404  404  200  403  200  403  403  403  403  403  403
assessment:competency-update        other  | 302  404  404  404  403  404  403  403  403  403  403  403
assessment:competency-delete        own    | 302  404  404  200  403  200  403  403  403  403  403  403
assessment:competency-delete        other  | 302  404  404  404  403  404  403  403  403  403  403  403
assessment:competency-grid          -      | 302  403  403  200  403  403  403  403  403  403  403  403
assessment:assessment-competencies  own    | 302  403  403  200  403  403  403  403  403  403  403  403
assessment:assessment-competencies  other  | 302  403  403  404  403  403  403  403  403  403  403  403
assessment:competency-record        own    | 302  403  403  200  403  200  403  403  403  403  403  403
assessment:competency-record        other  | 302  403  403  404  403  404  403  403  403  403  403  403
assessment:competency-class         own    | 302  403  403  404  403  200  403  403  403  403  403  403
assessment:competency-class         other  | 302  403  403  404  403  404  403  403  403  403  403  403
assessment:my-competencies          -      | 302  200  200  403  403  403  403  403  403  403  403  403
"""

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
assessment:competency-create        -      | 302  403  403  302+ 403  302+ 403  403  403  403  403  403
assessment:competency-update        own    | 302  404  404  302+ 403  302+ 403  403  403  403  403  403
assessment:competency-update        other  | 302  404  404  404  403  404  403  403  403  403  403  403
assessment:competency-delete        own    | 302  404  404  302+ 403  302+ 403  403  403  403  403  403
assessment:competency-delete        other  | 302  404  404  404  403  404  403  403  403  403  403  403
assessment:competency-grid          -      | 302  403  403  200  403  403  403  403  403  403  403  403
assessment:assessment-competencies  own    | 302  403  403  302+ 403  403  403  403  403  403  403  403
assessment:assessment-competencies  other  | 302  403  403  404  403  403  403  403  403  403  403  403
"""


def _side(w: World, which: str) -> EstablishmentWorld:
    enable(w.a, w.c)
    return w.a if which == "own" else w.c


def _none(w: World, which: str) -> dict[str, Any]:
    _side(w, which)
    return {}


def _item(w: World, which: str) -> dict[str, Any]:
    return {"pk": item_for(_side(w, which), code="MATRIX").pk}


def _assessment(w: World, which: str) -> dict[str, Any]:
    side = _side(w, which)
    assessment = assessment_for(side)
    assessment.competencies.set([item_for(side, code="MATRIX")])
    return {"pk": assessment.pk}


def _student(w: World, which: str) -> dict[str, Any]:
    return {"pk": _side(w, which).student.pk}


def _class(w: World, which: str) -> dict[str, Any]:
    return {"pk": _side(w, which).school_class.pk}


def _item_data(w: World, which: str) -> dict[str, Any]:
    return {"component": component("CPD_ETR").pk, "cycle": "3", "code": "", "name": "Parler anglais", "version": "0"}


def _levels(w: World, which: str) -> dict[str, Any]:
    side = _side(w, which)
    item = Competency.objects.get(establishment=side.establishment, code="MATRIX")
    assert Assessment.objects.filter(competencies=item).exists()
    return {f"level-{side.student.pk}-{item.pk}": "3"}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "assessment:competency-list": _none,
    "assessment:competency-create": _none,
    "assessment:competency-update": _item,
    "assessment:competency-delete": _item,
    "assessment:competency-grid": _none,
    "assessment:assessment-competencies": _assessment,
    "assessment:competency-record": _student,
    "assessment:competency-class": _class,
    "assessment:my-competencies": _none,
}

POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "assessment:competency-create": _item_data,
    "assessment:competency-update": _item_data,
    "assessment:competency-delete": lambda w, which: {"version": "0"},
    "assessment:assessment-competencies": _levels,
}
