"""Dashboard contribution of the timetable: today's lessons (or the next school day's)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from romsie.core import registry, versions
from romsie.core.access.scope import ScopedRequest

from . import access, selectors
from .habilitations import TimetableHabilitation

SERVICE = "timetable"
# School life's roll call, linked from each of a teacher's lessons when that service is on and
# the right held (names only: the timetable imports no app built on it).
ROLL_CALL_SERVICE, ROLL_CALL_HABILITATION = "attendance", "attendance.call_roll"


def today_context(request: ScopedRequest) -> dict[str, Any] | None:
    scope = request.scope
    if access.timetable_owner(scope) is None:
        return None
    today = timezone.localdate()
    sessions = selectors.upcoming(access.own_sessions(scope), today, limit=10)
    first_day = sessions[0].date if sessions else None
    return {
        "sessions": [s for s in sessions if s.date == first_day],
        "day": first_day,
        "is_today": first_day == today,
        "child": scope.child if scope.is_parent and not scope.is_student else None,
        # The teacher whose lessons link to their roll call (None: no link).
        "roll_caller": scope.user_id
        if ROLL_CALL_SERVICE in scope.services and scope.has(ROLL_CALL_HABILITATION)
        else None,
    }


def today_stamp(request: ScopedRequest) -> tuple[Any, ...]:
    """Today's lessons change with the date, the establishment's timetable and the child shown."""
    scope = request.scope
    child = scope.child.id if scope.child else None
    return (
        timezone.localdate().isoformat(),
        child,
        ROLL_CALL_SERVICE in scope.services,
        *versions.stamp(versions.key(versions.Kind.TIMETABLE, scope.establishment_id)),
    )


TODAY_WIDGET = registry.Widget(
    key="timetable-today",
    template_name="timetable/_widget_today.html",
    get_context=today_context,
    order=10,
    service=SERVICE,
    habilitation=TimetableHabilitation.VIEW,
    css=("timetable/timetable.css",),
    cache_stamp=today_stamp,
)


def register() -> None:
    registry.register_widget(TODAY_WIDGET)
