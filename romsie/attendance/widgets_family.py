"""Dashboard contributions of school life about families: the child's record, and the justifications to review.

Students and parents see the followed student's count of unjustified absences of the year and
the last absences and lateness, with a link to the school-life page where they justify. The
widget is cached for a minute per person against the ``attendance-record`` stamp of the student
(bumped when one of their absences, lateness, justifications or sanctions is written) and today's
date; the chosen child is part of the stamp.

School life (``attendance.manage``) sees how many justifications wait for a review, with a link
to them; cached against the establishment's ``attendance-justifications`` stamp.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from romsie.core import registry, versions
from romsie.core.access.scope import ScopedRequest

from . import access, selectors
from .habilitations import AttendanceHabilitation

SERVICE = "attendance"


def record_context(request: ScopedRequest) -> dict[str, Any] | None:
    scope = request.scope
    student_id = access.followed_student_id(scope)
    if SERVICE not in scope.services or student_id is None:
        return None
    return {
        "summary": selectors.record_summary(scope, student_id),
        "child": scope.child if scope.is_parent else None,
    }


def record_stamp(request: ScopedRequest) -> tuple[Any, ...]:
    scope = request.scope
    student_id = access.followed_student_id(scope)
    keys = [versions.key(versions.Kind.ATTENDANCE_RECORD, student_id)]
    return (SERVICE in scope.services, student_id, timezone.localdate(), *versions.stamp(*keys))


RECORD_WIDGET = registry.Widget(
    key="attendance-record",
    template_name="attendance/_family_widget.html",
    get_context=record_context,
    order=9,
    service=SERVICE,
    habilitation=AttendanceHabilitation.VIEW,
    css=("attendance/attendance.css",),
    cache_stamp=record_stamp,
)


def review_context(request: ScopedRequest) -> dict[str, Any] | None:
    scope = request.scope
    if SERVICE not in scope.services:
        return None
    return {"pending": selectors.pending_justification_count(scope)}


def review_stamp(request: ScopedRequest) -> tuple[Any, ...]:
    scope = request.scope
    keys = [versions.key(versions.Kind.ATTENDANCE_JUSTIFICATIONS, scope.establishment_id)]
    return (SERVICE in scope.services, *versions.stamp(*keys))


REVIEW_WIDGET = registry.Widget(
    key="attendance-justifications",
    template_name="attendance/_family_review_widget.html",
    get_context=review_context,
    order=9,
    service=SERVICE,
    habilitation=AttendanceHabilitation.MANAGE,
    cache_stamp=review_stamp,
)
