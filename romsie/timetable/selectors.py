"""Reads of the timetable: a week or a day of sessions, the calendar, lessons per class.

Every read starts from :mod:`romsie.timetable.access` and costs a fixed number of queries,
whatever the number of sessions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from .models import DayOff, Lesson, SchoolWeek, Session


@dataclass
class Day:
    date: datetime.date
    sessions: list[Session] = field(default_factory=list)
    day_off: str = ""
    markers: list[str] = field(default_factory=list)

    @property
    def is_today(self) -> bool:
        from django.utils import timezone

        return self.date == timezone.localdate()


@dataclass
class Week:
    monday: datetime.date
    label: str
    days: list[Day]

    @property
    def previous(self) -> datetime.date:
        return self.monday - datetime.timedelta(days=7)

    @property
    def next(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=7)


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _with_related(sessions: QuerySet[Session]) -> QuerySet[Session]:
    return sessions.select_related(
        "teaching__subject", "teaching__school_class", "teaching__teaching_group", "teacher", "room"
    ).order_by("date", "starts_at", "pk")


def week(establishment_id: int | None, sessions: QuerySet[Session], monday: datetime.date) -> Week:
    """Monday to Friday (and Saturday when something happens then) of the given sessions.

    Three queries: the sessions, the days off touching the week, the week's A/B label.
    """
    saturday = monday + datetime.timedelta(days=5)
    rows = list(_with_related(sessions.filter(date__gte=monday, date__lte=saturday)).distinct())
    days = [Day(monday + datetime.timedelta(days=i)) for i in range(6)]
    for session in rows:
        days[session.date.weekday()].sessions.append(session)
    for name, starts_on, ends_on in DayOff.objects.filter(
        establishment_id=establishment_id, starts_on__lte=saturday, ends_on__gte=monday
    ).values_list("name", "starts_on", "ends_on"):
        for day in days:
            if starts_on <= day.date <= ends_on:
                day.day_off = name
    label = (
        SchoolWeek.objects.filter(establishment_id=establishment_id, monday=monday)
        .values_list("label", flat=True)
        .first()
    )
    if not days[5].sessions:
        days = days[:5]
    return Week(monday=monday, label=label or "", days=days)


def upcoming(sessions: QuerySet[Session], today: datetime.date, limit: int = 8) -> list[Session]:
    """The next sessions from today (for the dashboard), of a person's own timetable.

    ``sessions`` must not join a many-valued relation (``access.own_sessions`` does not: a
    student's filter is a subquery of teaching ids, a teacher's two columns), so no
    ``DISTINCT``: sorting every selected column to remove duplicates that cannot occur took
    PostgreSQL's planner longer than running the query.
    """
    return list(_with_related(sessions.filter(date__gte=today))[:limit])


def lessons_of_class(lessons: QuerySet[Lesson], school_class_id: int | None) -> QuerySet[Lesson]:
    if school_class_id is not None:
        lessons = lessons.filter(
            Q(teaching__school_class_id=school_class_id) | Q(teaching__teaching_group__school_classes=school_class_id)
        ).distinct()
    return lessons.select_related(
        "teaching__subject", "teaching__teacher", "teaching__school_class", "teaching__teaching_group", "room"
    ).order_by("weekday", "starts_at", "pk")
