"""Permission-matrix rows and URL arguments of the timetable (see tests/test_permission_matrix.py)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from romsie.core.testing.world import EstablishmentWorld, World
from romsie.schooling.models import SchoolYear
from romsie.timetable.models import DayOff, Lesson, SchoolWeek, Session

# url name                        object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
timetable:week                    -      | 302  200  200  200  403  200  200  200  200  403  200  403
timetable:day                     -      | 302  200  200  200  403  200  200  200  200  403  200  403
timetable:browse                  -      | 302  403  403  200  403  200  200  200  200  403  200  403
timetable:class-week              own    | 302  403  403  200  403  200  200  200  200  403  200  403
timetable:class-week              other  | 302  403  403  404  403  404  404  404  404  403  404  403
timetable:room-week               own    | 302  403  403  200  403  200  200  200  200  403  200  403
timetable:room-week               other  | 302  403  403  404  403  404  404  404  404  403  404  403
timetable:session-detail          own    | 302  200  200  200  403  200  200  200  200  403  200  403
timetable:session-detail          other  | 302  404  404  404  403  404  404  404  404  403  404  403
timetable:session-change          own    | 302  403  403  403  403  200  200  403  403  403  200  403
timetable:session-change          other  | 302  403  403  403  403  404  404  403  403  403  404  403
timetable:manage                  -      | 302  403  403  403  403  200  200  403  403  403  200  403
timetable:day-off-create          -      | 302  403  403  403  403  200  200  403  403  403  200  403
timetable:day-off-delete          own    | 302  403  403  403  403  200  200  403  403  403  200  403
timetable:day-off-delete          other  | 302  403  403  403  403  404  404  403  403  403  404  403
timetable:week-swap               own    | 302  403  403  403  403  405  405  403  403  403  405  403
timetable:week-swap               other  | 302  403  403  403  403  405  405  403  403  403  405  403
timetable:lesson-list             -      | 302  403  403  403  403  200  200  403  403  403  200  403
timetable:lesson-create           -      | 302  403  403  403  403  200  200  403  403  403  200  403
timetable:lesson-import           -      | 302  403  403  403  403  200  200  403  403  403  200  403
timetable:lesson-update           own    | 302  403  403  403  403  200  200  403  403  403  200  403
timetable:lesson-update           other  | 302  403  403  403  403  404  404  403  403  403  404  403
timetable:lesson-delete           own    | 302  403  403  403  403  200  200  403  403  403  200  403
timetable:lesson-delete           other  | 302  403  403  403  403  404  404  403  403  403  404  403
timetable:feed-settings           -      | 302  200  200  200  403  200  200  200  200  403  200  403
timetable:feed                    own    | 404  404  404  404  404  404  404  404  404  404  404  404
timetable:feed                    other  | 404  404  404  404  404  404  404  404  404  404  404  404
"""

# url name                        object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
timetable:session-change          own    | 302  403  403  403  403  200  200  403  403  403  200  403
timetable:session-change          other  | 302  403  403  403  403  404  404  403  403  403  404  403
timetable:day-off-create          -      | 302  403  403  403  403  200  200  403  403  403  200  403
timetable:day-off-delete          own    | 302  403  403  403  403  302+ 302+ 403  403  403  302+ 403
timetable:day-off-delete          other  | 302  403  403  403  403  404  404  403  403  403  404  403
timetable:week-swap               own    | 302  403  403  403  403  302+ 302+ 403  403  403  302+ 403
timetable:week-swap               other  | 302  403  403  403  403  404  404  403  403  403  404  403
timetable:lesson-create           -      | 302  403  403  403  403  200  200  403  403  403  200  403
timetable:lesson-import           -      | 302  403  403  403  403  200  200  403  403  403  200  403
timetable:lesson-update           own    | 302  403  403  403  403  200  200  403  403  403  200  403
timetable:lesson-update           other  | 302  403  403  403  403  404  404  403  403  403  404  403
timetable:lesson-delete           own    | 302  403  403  403  403  302+ 302+ 403  403  403  302+ 403
timetable:lesson-delete           other  | 302  403  403  403  403  404  404  403  403  403  404  403
timetable:feed-settings           -      | 302  200+ 200+ 200+ 403  200+ 200+ 200+ 200+ 403  200+ 403
"""


def _side(world: World, which: str) -> EstablishmentWorld:
    return world.a if which == "own" else world.c


def _lesson(side: EstablishmentWorld) -> Lesson:
    year = SchoolYear.objects.get(establishment=side.establishment, is_current=True)
    lesson, _created = Lesson.objects.get_or_create(
        establishment=side.establishment, school_year=year, teaching=side.teaching, weekday=0,
        starts_at=datetime.time(8, 0), defaults={"ends_at": datetime.time(9, 0), "room": side.room},
    )  # fmt: skip
    return lesson


def _session(side: EstablishmentWorld) -> Session:
    lesson = _lesson(side)
    day = datetime.date(2026, 9, 7)
    session, _created = Session.objects.get_or_create(
        lesson=lesson, planned_date=day,
        defaults={
            "establishment": side.establishment, "teaching": side.teaching, "teacher": side.teacher,
            "room": side.room, "date": day, "starts_at": lesson.starts_at, "ends_at": lesson.ends_at,
            "planned_starts_at": lesson.starts_at, "planned_room": side.room, "planned_teacher": side.teacher,
        },
    )  # fmt: skip
    return session


def _day_off(side: EstablishmentWorld) -> DayOff:
    year = SchoolYear.objects.get(establishment=side.establishment, is_current=True)
    day_off, _created = DayOff.objects.get_or_create(
        establishment=side.establishment, school_year=year, name="Noël",
        defaults={"starts_on": datetime.date(2026, 12, 19), "ends_on": datetime.date(2027, 1, 3)},
    )  # fmt: skip
    return day_off


def _week(side: EstablishmentWorld) -> SchoolWeek:
    year = SchoolYear.objects.get(establishment=side.establishment, is_current=True)
    week, _created = SchoolWeek.objects.get_or_create(
        establishment=side.establishment, school_year=year, monday=datetime.date(2026, 9, 7), defaults={"label": "A"}
    )
    return week


def _pk(get: Callable[[EstablishmentWorld], Any]) -> Callable[[World, str], dict[str, Any]]:
    return lambda world, which: {"pk": get(_side(world, which)).pk}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "timetable:class-week": _pk(lambda side: side.school_class),
    "timetable:room-week": _pk(lambda side: side.room),
    "timetable:session-detail": _pk(_session),
    "timetable:session-change": _pk(_session),
    "timetable:day-off-delete": _pk(_day_off),
    "timetable:week-swap": _pk(_week),
    "timetable:lesson-update": _pk(_lesson),
    "timetable:lesson-delete": _pk(_lesson),
    "timetable:feed": lambda world, which: {"token": "not-a-real-token"},
}
