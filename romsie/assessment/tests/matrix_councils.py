"""Permission-matrix rows of the classes' results, class councils, report cards and the LSU export.

Objects: ``a``'s class (``own``, its homeroom teacher is ``a``'s teacher) or ``c``'s class
(``other``), with the period around today (the pages' default), and for the actions a council in
the state the action needs: validated (generate; publish, with report cards), published (reopen).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.core.testing.world import EstablishmentWorld, World

from ..models import Council, ReportCardRun
from .builders import enable, period_of, report_card_for
from .builders_councils import council_of, homeroom

# url name                            object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
assessment:class-list                 -      | 302  403  403  200  403  200  403  403  403  403  403  403
assessment:class-results              own    | 302  403  403  200  403  200  403  403  403  403  403  403
assessment:class-results              other  | 302  403  403  404  403  404  403  403  403  403  403  403
assessment:class-results-export       own    | 302  403  403  200  403  200  403  403  403  403  403  403
assessment:class-results-export       other  | 302  403  403  404  403  404  403  403  403  403  403  403
assessment:council                    own    | 302  403  403  200  403  200  403  403  403  403  403  403
assessment:council                    other  | 302  403  403  404  403  404  403  403  403  403  403  403
assessment:council-publish            own    | 302  403  403  403  403  405  403  403  403  403  403  403
assessment:council-publish            other  | 302  403  403  403  403  405  403  403  403  403  403  403
assessment:council-reopen             own    | 302  403  403  403  403  405  403  403  403  403  403  403
assessment:council-reopen             other  | 302  403  403  403  403  405  403  403  403  403  403  403
assessment:report-cards-generate      own    | 302  403  403  403  403  405  403  403  403  403  403  403
assessment:report-cards-generate      other  | 302  403  403  403  403  405  403  403  403  403  403  403
assessment:report-cards-progress      own    | 302  403  403  200  403  200  403  403  403  403  403  403
assessment:report-cards-progress      other  | 302  403  403  404  403  404  403  403  403  403  403  403
assessment:lsu-export                 -      | 302  403  403  403  403  200  403  403  403  403  403  403
"""

# url name                            object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
assessment:council                    own    | 302  403  403  302+ 403  302+ 403  403  403  403  403  403
assessment:council                    other  | 302  403  403  404  403  404  403  403  403  403  403  403
assessment:council-publish            own    | 302  403  403  403  403  302+ 403  403  403  403  403  403
assessment:council-publish            other  | 302  403  403  403  403  404  403  403  403  403  403  403
assessment:council-reopen             own    | 302  403  403  403  403  302+ 403  403  403  403  403  403
assessment:council-reopen             other  | 302  403  403  403  403  404  403  403  403  403  403  403
assessment:report-cards-generate      own    | 302  403  403  403  403  302+ 403  403  403  403  403  403
assessment:report-cards-generate      other  | 302  403  403  403  403  404  403  403  403  403  403  403
"""


def _side(world: World, which: str) -> EstablishmentWorld:
    enable(world.a, world.c)
    ew = world.a if which == "own" else world.c
    homeroom(ew)
    period_of(ew)
    return ew


def _class(world: World, which: str) -> dict[str, Any]:
    return {"pk": _side(world, which).school_class.pk}


def _none(world: World, which: str) -> dict[str, Any]:
    _side(world, "own")
    return {}


def _council(status: str, *, cards: bool = False) -> Callable[[World, str], dict[str, Any]]:
    def build(world: World, which: str) -> dict[str, Any]:
        ew = _side(world, which)
        council = council_of(ew, status)
        if cards:
            report_card_for(ew, council)
        return {"pk": ew.school_class.pk}

    return build


def _run(world: World, which: str) -> dict[str, Any]:
    ew = _side(world, which)
    council = council_of(ew, Council.Status.VALIDATED)
    run = ReportCardRun.objects.create(
        establishment=ew.establishment, council=council, requested_by=ew.head, status="running", total=2, done=1
    )
    return {"pk": ew.school_class.pk, "run": run.pk}


def _decision(world: World, which: str) -> dict[str, Any]:
    ew = world.a if which == "own" else world.c
    return {f"s{ew.student.pk}-general_comment": "A good term.", "action": "save"}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "assessment:class-list": _none,
    "assessment:class-results": _class,
    "assessment:class-results-export": _class,
    "assessment:council": _class,
    "assessment:council-publish": _council(Council.Status.VALIDATED, cards=True),
    "assessment:council-reopen": _council(Council.Status.PUBLISHED),
    "assessment:report-cards-generate": _council(Council.Status.VALIDATED),
    "assessment:report-cards-progress": _run,
    "assessment:lsu-export": _none,
}

POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "assessment:council": _decision,
}
