"""What school life adds to the timetable: the roll-call block on a session's page."""

from __future__ import annotations

from typing import Any

from romsie.core.access.scope import ScopedRequest
from romsie.timetable.models import Session

from . import access
from .habilitations import AttendanceHabilitation
from .models import RollCall


def session_panel(request: ScopedRequest, session: Session) -> tuple[str, dict[str, Any]] | None:
    """For whoever may call the session's roll: "Call the roll", or who called it and when, to correct it.

    Two queries: may the person call it, and its roll call.
    """
    scope = request.scope
    if not (scope.has(AttendanceHabilitation.CALL_ROLL) or scope.has(AttendanceHabilitation.MANAGE)):
        return None
    if not access.callable_sessions(scope).filter(pk=session.pk).exists():
        return None
    roll_call = RollCall.objects.filter(session=session).select_related("called_by", "updated_by").first()
    return "attendance/_roll_call_panel.html", {"session": session, "roll_call": roll_call}
