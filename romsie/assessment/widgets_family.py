"""The dashboard's "Latest marks" for students and guardians.

The followed student's five latest published marks, with a link to the marks page. Cached for a
minute per person against the student's ``assessment-marks`` stamp (bumped when one of their
marks, or an assessment they have a mark in, is saved or deleted) and today's date (marks are
published by date); the chosen child is part of the stamp.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from romsie.core import registry, versions
from romsie.core.access.scope import ScopedRequest

from . import access, selectors
from .habilitations import AssessmentHabilitation

SERVICE = "assessment"


def marks_context(request: ScopedRequest) -> dict[str, Any] | None:
    scope = request.scope
    student_id = access.followed_student_id(scope)
    if SERVICE not in scope.services or student_id is None:
        return None
    return {
        "marks": selectors.recent_marks(scope, student_id=student_id),
        "child": scope.child if scope.is_parent else None,
    }


def marks_stamp(request: ScopedRequest) -> tuple[Any, ...]:
    scope = request.scope
    student_id = access.followed_student_id(scope)
    keys = [versions.key(versions.Kind.ASSESSMENT_MARKS, student_id)]
    return (SERVICE in scope.services, student_id, timezone.localdate(), *versions.stamp(*keys))


MARKS_WIDGET = registry.Widget(
    key="assessment",
    template_name="assessment/family/_widget.html",
    get_context=marks_context,
    order=10,
    service=SERVICE,
    habilitation=AssessmentHabilitation.VIEW,
    css=("assessment/assessment.css",),
    cache_stamp=marks_stamp,
)
