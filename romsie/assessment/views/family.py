"""Students' and guardians' pages: published marks and averages, the "what if" simulation, report cards.

Every page is for the followed student (``access.followed_student_id``): oneself, or the child a
guardian chose in the header. A guardian who has chosen no child gets the child picker, never
anyone's data. Families see an assessment's marks only from its publication date.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from romsie.core import fragments, versions
from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest
from romsie.core.ids import parse_id
from romsie.schooling.models import Period

from .. import access, selectors
from ..forms_family import MAX_ROWS, WhatIfForm, WhatIfFormSet
from ..habilitations import AssessmentHabilitation as H

SERVICE = "assessment"
LATEST = "recentes"
PREFIX = "hyp"


def _choose_child(request: ScopedRequest, title: str) -> HttpResponse:
    """A guardian without a chosen child here: the list of their children to choose from."""
    return render(request, "assessment/family/choose_child.html", {"title": title}, status=200)


def _period(request: ScopedRequest, periods: list[Period]) -> Period | None:
    """The period asked for in ``?periode=`` (404 if it is not one of this year's), else the current one."""
    return access.chosen_period(request.scope, request.GET.get("periode"), periods)


def _marks_stamp(request: ScopedRequest, student_id: int, *parts: Any) -> tuple[Any, ...]:
    """What a student's marks and report cards fragments depend on: their marks and published
    report cards (``assessment-marks``), the classes, the day, the rights.

    Class figures also move when a classmate's mark changes: the fragment's time-out (a minute)
    bounds that lag, as it bounds a publication date coming due within the day.
    """
    scope = request.scope
    keys = [
        versions.key(versions.Kind.ASSESSMENT_MARKS, student_id),
        versions.key(versions.Kind.STRUCTURE, scope.establishment_id),
    ]
    return (student_id, timezone.localdate(), sorted(scope.habilitations), *parts, *versions.stamp(*keys))


@requires(H.VIEW, service=SERVICE)
@require_GET
def my_marks(request: ScopedRequest) -> HttpResponse:
    """The followed student's published marks over a period, by subject or newest first, with averages."""
    scope = request.scope
    student_id = access.followed_student_id(scope)
    child = scope.child if scope.is_parent else None
    if student_id is None:
        if scope.is_parent:
            return _choose_child(request, "marks")
        raise PermissionDenied
    periods = access.year_periods(scope)
    period = _period(request, periods)
    latest = request.GET.get("vue") == LATEST

    def render_marks() -> str:
        marks = (
            selectors.family_marks(scope, student_id=student_id, period_id=period.pk) if period is not None else None
        )
        context = {"marks": marks, "period": period, "latest": latest, "child": child}
        return render_to_string("assessment/family/_marks_body.html", context, request)

    stamp = _marks_stamp(request, student_id, period.pk if period else None, latest)
    body = fragments.cached(request, "assessment-marks", stamp, render_marks)
    context = {"body": body, "child": child, "periods": periods, "period": period, "latest": latest}
    return render(request, "assessment/family/marks.html", context)


@requires(H.VIEW, service=SERVICE)
@require_http_methods(["GET", "POST"])
def what_if(request: ScopedRequest) -> HttpResponse:
    """A student adds hypothetical marks and sees their averages move; nothing is stored."""
    scope = request.scope
    student_id = access.followed_student_id(scope)
    if student_id is None or not scope.is_student:
        raise PermissionDenied
    assert scope.establishment_id is not None
    period = access.current_period(scope)
    marks = selectors.family_marks(scope, student_id=student_id, period_id=period.pk) if period else None
    subjects = marks.subject_choices if marks else []
    result = None
    if request.method == "POST":
        data = request.POST.copy()
        total = parse_id(data.get(f"{PREFIX}-TOTAL_FORMS", "")) or 1
        if "add" in data and total < MAX_ROWS:
            # "Add another mark" without script: the same rows, plus an empty one with the defaults.
            data[f"{PREFIX}-TOTAL_FORMS"] = str(total + 1)
            data.update(WhatIfForm.defaults(f"{PREFIX}-{total}", subjects))
        formset = WhatIfFormSet(data, prefix=PREFIX, subjects=subjects)
        if formset.is_valid() and marks is not None:
            result = selectors.what_if(
                marks, formset.cells(), establishment_id=scope.establishment_id, student_id=student_id
            )
    else:
        formset = WhatIfFormSet(prefix=PREFIX, subjects=subjects)
    context = {
        "formset": formset,
        "marks": marks,
        "period": period,
        "result": result,
        "may_add": formset.total_form_count() < MAX_ROWS,
    }
    return render(request, "assessment/family/what_if.html", context)


@requires(H.VIEW, service=SERVICE)
@require_GET
def my_report_cards(request: ScopedRequest) -> HttpResponse:
    """The followed student's published report cards, with their downloads."""
    scope = request.scope
    student_id = access.followed_student_id(scope)
    if student_id is None:
        if scope.is_parent:
            return _choose_child(request, "report-cards")
        raise PermissionDenied

    def render_cards() -> str:
        cards = selectors.family_report_cards(scope, student_id=student_id)
        return render_to_string("assessment/family/_report_cards_body.html", {"cards": cards}, request)

    body = fragments.cached(request, "assessment-report-cards", _marks_stamp(request, student_id), render_cards)
    return render(
        request,
        "assessment/family/report_cards.html",
        {"body": body, "child": scope.child if scope.is_parent else None},
    )
