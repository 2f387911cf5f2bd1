"""Dashboard contribution of school life for families: the child's unjustified absences and last events.

Students and parents see the followed student's count of unjustified absences of the year and
the last absences and lateness, with a link to the school-life page where they justify. The
widget is cached for a minute per person against the ``attendance-record`` stamp of the student
(bumped when one of their absences, lateness, justifications or sanctions is written) and today's
date; the chosen child is part of the stamp.
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
