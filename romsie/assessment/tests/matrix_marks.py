"""Permission-matrix rows of the teachers' part (assessments, the grid, the gradebook, report-card
comments, settings), joined by ``matrix.py``.

Objects: an assessment (with the world's teaching, a period around today), the world's teaching
and a subject's weight of ``a`` (``own``) or of ``c`` (``other``). The creation form takes its
teaching from the query string, which the matrix does not send: it answers 404 to the teacher
(the own and other teachings are tested in ``test_marks.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from romsie.core.testing.world import EstablishmentWorld, World

from ..models import SubjectWeight
from .builders import assessment_for, enable, period_of

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
assessment:assessment-list          -      | 302  403  403  200  403  403  403  403  403  403  403  403
assessment:assessment-create        -      | 302  403  403  404  403  403  403  403  403  403  403  403
assessment:grid                     own    | 302  403  403  200  403  403  403  403  403  403  403  403
assessment:grid                     other  | 302  403  403  404  403  403  403  403  403  403  403  403
assessment:cell-save                own    | 302  403  403  405  403  403  403  403  403  403  403  403
assessment:cell-save                other  | 302  403  403  405  403  403  403  403  403  403  403  403
assessment:assessment-update        own    | 302  403  403  200  403  403  403  403  403  403  403  403
assessment:assessment-update        other  | 302  403  403  404  403  403  403  403  403  403  403  403
assessment:assessment-delete        own    | 302  403  403  200  403  403  403  403  403  403  403  403
assessment:assessment-delete        other  | 302  403  403  404  403  403  403  403  403  403  403  403
assessment:assessment-publish       own    | 302  403  403  405  403  403  403  403  403  403  403  403
assessment:assessment-publish       other  | 302  403  403  405  403  403  403  403  403  403  403  403
assessment:gradebook                own    | 302  403  403  200  403  403  403  403  403  403  403  403
assessment:gradebook                other  | 302  403  403  404  403  403  403  403  403  403  403  403
assessment:gradebook-export         own    | 302  403  403  200  403  403  403  403  403  403  403  403
assessment:gradebook-export         other  | 302  403  403  404  403  403  403  403  403  403  403  403
assessment:report-comments          own    | 302  403  403  200  403  403  403  403  403  403  403  403
assessment:report-comments          other  | 302  403  403  404  403  403  403  403  403  403  403  403
assessment:settings                 -      | 302  403  403  403  403  200  403  403  403  403  403  403
assessment:subject-weight-create    -      | 302  403  403  403  403  200  403  403  403  403  403  403
assessment:subject-weight-update    own    | 302  403  403  403  403  200  403  403  403  403  403  403
assessment:subject-weight-update    other  | 302  403  403  403  403  404  403  403  403  403  403  403
assessment:subject-weight-delete    own    | 302  403  403  403  403  200  403  403  403  403  403  403
assessment:subject-weight-delete    other  | 302  403  403  403  403  404  403  403  403  403  403  403
"""

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
assessment:assessment-create        -      | 302  403  403  404  403  403  403  403  403  403  403  403
assessment:grid                     own    | 302  403  403  302+ 403  403  403  403  403  403  403  403
assessment:grid                     other  | 302  403  403  404  403  403  403  403  403  403  403  403
assessment:cell-save                own    | 302  403  403  200+ 403  403  403  403  403  403  403  403
assessment:cell-save                other  | 302  403  403  404  403  403  403  403  403  403  403  403
assessment:assessment-update        own    | 302  403  403  302  403  403  403  403  403  403  403  403
assessment:assessment-update        other  | 302  403  403  404  403  403  403  403  403  403  403  403
assessment:assessment-delete        own    | 302  403  403  302+ 403  403  403  403  403  403  403  403
assessment:assessment-delete        other  | 302  403  403  404  403  403  403  403  403  403  403  403
assessment:assessment-publish       own    | 302  403  403  302  403  403  403  403  403  403  403  403
assessment:assessment-publish       other  | 302  403  403  404  403  403  403  403  403  403  403  403
assessment:report-comments          own    | 302  403  403  302+ 403  403  403  403  403  403  403  403
assessment:report-comments          other  | 302  403  403  404  403  403  403  403  403  403  403  403
assessment:settings                 -      | 302  403  403  403  403  302+ 403  403  403  403  403  403
assessment:subject-weight-create    -      | 302  403  403  403  403  302+ 403  403  403  403  403  403
assessment:subject-weight-update    own    | 302  403  403  403  403  302+ 403  403  403  403  403  403
assessment:subject-weight-update    other  | 302  403  403  403  403  404  403  403  403  403  403  403
assessment:subject-weight-delete    own    | 302  403  403  403  403  302+ 403  403  403  403  403  403
assessment:subject-weight-delete    other  | 302  403  403  403  403  404  403  403  403  403  403  403
"""


def _side(w: World, which: str) -> EstablishmentWorld:
    enable(w.a, w.c)
    period_of(w.a)
    period_of(w.c)
    return w.a if which == "own" else w.c


def _none(w: World, which: str) -> dict[str, Any]:
    _side(w, which)
    return {}


def _assessment(w: World, which: str) -> dict[str, Any]:
    side = _side(w, which)
    return {"pk": assessment_for(side, publish_on=_later()).pk}


def _later() -> Any:
    import datetime

    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=5)


def _teaching(w: World, which: str) -> dict[str, Any]:
    return {"pk": _side(w, which).teaching.pk}


def _weight(w: World, which: str) -> dict[str, Any]:
    side = _side(w, which)
    row = SubjectWeight.objects.create(establishment=side.establishment, subject=side.subject, weight=Decimal(2))
    return {"pk": row.pk}


def _cell(w: World, which: str) -> dict[str, Any]:
    pk = w.a.student.pk
    return {"student": pk, f"mark-{pk}": "12", f"status-{pk}": "", f"comment-{pk}": "", f"version-{pk}": ""}


def _grid(w: World, which: str) -> dict[str, Any]:
    pk = w.a.student.pk
    return {f"mark-{pk}": "12", f"initial-mark-{pk}": "", f"status-{pk}": "", f"initial-status-{pk}": "",
            f"comment-{pk}": "", f"initial-comment-{pk}": "", f"version-{pk}": ""}  # fmt: skip


def _assessment_form(w: World, which: str) -> dict[str, Any]:
    from django.utils import timezone

    return {"title": "Renamed", "date": timezone.localdate().isoformat(), "period": "", "out_of": "20",
            "weight": "1", "graded": "on", "publish_on": "", "description": "", "version": 0}  # fmt: skip


def _comments(w: World, which: str) -> dict[str, Any]:
    pk = w.a.student.pk
    return {f"comment-{pk}": "Good work.", f"initial-comment-{pk}": ""}


def _settings(w: World, which: str) -> dict[str, Any]:
    return {"publication_delay_days": "2", "report_heading": "Bulletin", "report_colour": "#112233"}


def _weight_form(w: World, which: str) -> dict[str, Any]:
    return {"subject": w.a.subject.pk, "level": "", "weight": "3", "version": 0}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "assessment:assessment-list": _none,
    "assessment:assessment-create": _none,
    "assessment:grid": _assessment,
    "assessment:cell-save": _assessment,
    "assessment:assessment-update": _assessment,
    "assessment:assessment-delete": _assessment,
    "assessment:assessment-publish": _assessment,
    "assessment:gradebook": _teaching,
    "assessment:gradebook-export": _teaching,
    "assessment:report-comments": _teaching,
    "assessment:settings": _none,
    "assessment:subject-weight-create": _none,
    "assessment:subject-weight-update": _weight,
    "assessment:subject-weight-delete": _weight,
}

POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "assessment:grid": _grid,
    "assessment:cell-save": _cell,
    "assessment:assessment-update": _assessment_form,
    "assessment:assessment-create": _assessment_form,
    "assessment:report-comments": _comments,
    "assessment:settings": _settings,
    "assessment:subject-weight-create": _weight_form,
    "assessment:subject-weight-update": _weight_form,
}
