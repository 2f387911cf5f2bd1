"""Dashboard contribution of the homework log: what is due in the next days.

The widget is cached for a minute per person against version stamps: ``homework`` (bumped when
an entry of the establishment is saved, deleted or its scheduled publication comes),
``homework_ticks`` (bumped when the student ticks an item or changes their planner) and
``structure`` (classes, enrolments, teachings), plus today's date and the chosen child.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from romsie.core import registry, versions
from romsie.core.access.scope import ScopedRequest

from . import access, selectors
from .habilitations import HomeworkHabilitation

SERVICE = "homework"


def due_context(request: ScopedRequest) -> dict[str, Any] | None:
    scope = request.scope
    if SERVICE not in scope.services or access.homework_student(scope) is None:
        return None
    return {
        "homework": selectors.widget_homework(scope),
        "is_student": access.is_student(scope),
        "child": scope.child if scope.is_parent else None,
    }


def due_stamp(request: ScopedRequest) -> tuple[Any, ...]:
    scope = request.scope
    student = access.homework_student(scope)
    keys = [
        versions.key(versions.Kind.HOMEWORK, scope.establishment_id),
        versions.key(versions.Kind.HOMEWORK_TICKS, student),
        versions.key(versions.Kind.STRUCTURE, scope.establishment_id),
    ]
    return (SERVICE in scope.services, student, timezone.localdate(), *versions.stamp(*keys))


DUE_WIDGET = registry.Widget(
    key="homework-due",
    template_name="homework/_widget_due.html",
    get_context=due_context,
    order=8,
    service=SERVICE,
    habilitation=HomeworkHabilitation.VIEW,
    css=("homework/homework.css",),
    cache_stamp=due_stamp,
)
