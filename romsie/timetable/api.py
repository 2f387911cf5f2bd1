"""The family API's timetable: a week of one's own sessions (a parent: a child's), with the changes."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from romsie.core.api import ERRORS, ApiScope, child_scope, gate
from romsie.core.ids import MAX_ID

from . import access, selectors
from .habilitations import TimetableHabilitation
from .models import Session

router = Router(tags=["timetable"])

#: weeks the API answers for (a date further away is a 422, not an overflow)
FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 3), datetime.date(2099, 12, 28)


class SessionOut(Schema):
    """One session as planned, and what changed: cancelled, moved, another room, a substitute."""

    id: int
    date: datetime.date
    starts_at: str = Field(description="Local time, HH:MM")
    ends_at: str = Field(description="Local time, HH:MM")
    subject: str
    group: str
    teacher: str
    room: str
    is_cancelled: bool
    is_moved: bool
    has_new_room: bool
    has_substitute: bool
    planned_date: datetime.date
    planned_starts_at: str = Field(description="Local time, HH:MM")
    change_note: str


class DayOut(Schema):
    date: datetime.date
    day_off: str
    sessions: list[SessionOut]


class WeekOut(Schema):
    monday: datetime.date
    label: str
    days: list[DayOut]


class WeekQuery(Schema):
    week: datetime.date | None = None
    child: int | None = None


def _session(s: Session) -> SessionOut:
    teaching = s.teaching
    return SessionOut(
        id=s.pk,
        date=s.date,
        starts_at=f"{s.starts_at:%H:%M}",
        ends_at=f"{s.ends_at:%H:%M}",
        subject=teaching.subject.name,
        group=(teaching.school_class.name if teaching.school_class else "")
        or (teaching.teaching_group.name if teaching.teaching_group else ""),
        teacher=s.teacher.get_full_name(),
        room=s.room.name if s.room else "",
        is_cancelled=s.is_cancelled,
        is_moved=s.is_moved,
        has_new_room=s.has_new_room,
        has_substitute=s.has_substitute,
        planned_date=s.planned_date,
        planned_starts_at=f"{s.planned_starts_at:%H:%M}",
        change_note=s.change_note,
    )


@router.get("/timetable/week", response={200: WeekOut, **ERRORS}, url_name="timetable-week", summary="A week")
def week(request: HttpRequest, query: Query[WeekQuery]) -> WeekOut:
    """The week containing ``week`` (default: this week), as the timetable page shows it.

    A parent passes ``child`` (one of their children here; another id is a 404).
    """
    if query.child is not None and not 1 <= query.child <= MAX_ID:
        raise HttpError(404, "Not Found")
    when = query.week or timezone.localdate()
    if not FIRST_DAY <= when <= LAST_DAY:
        raise HttpError(404, "Not Found")
    scope = gate(request, oauth_scope=ApiScope.TIMETABLE, habilitation=TimetableHabilitation.VIEW, service="timetable")
    scope = child_scope(scope, query.child)
    found = selectors.week(scope.establishment_id, access.own_sessions(scope), selectors.monday_of(when))
    return WeekOut(
        monday=found.monday,
        label=found.label,
        days=[DayOut(date=d.date, day_off=d.day_off, sessions=[_session(s) for s in d.sessions]) for d in found.days],
    )
