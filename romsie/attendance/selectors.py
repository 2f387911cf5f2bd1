"""Reads of school life: a session's roll, the day's register, a student's record and totals.

Every read starts from ``access``; list pages cost a fixed number of queries whatever their length.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.core.pagination import KeysetPage, keyset_page
from romsie.identity.models import Role, RoleAssignment, User
from romsie.schooling.models import Enrollment, Period, SchoolClass, SchoolYear
from romsie.timetable.models import DayOff

from . import access
from .habilitations import AttendanceHabilitation
from .models import (
    Absence,
    Exemption,
    Incident,
    JustificationStatus,
    Lateness,
    Sanction,
    Threshold,
    ThresholdAlert,
)

# -- Roll call -------------------------------------------------------------------------------


# -- School-life office ------------------------------------------------------------------------


# -- A student's record ------------------------------------------------------------------------

#: Where the morning ends and the afternoon begins, in local time (a half-day is the legal unit).
MORNING_ENDS = datetime.time(12, 30)
MORNING, AFTERNOON = 0, 1

HalfDay = tuple[datetime.date, int]


def is_school_day(day: datetime.date, days_off: Sequence[tuple[datetime.date, datetime.date]] = ()) -> bool:
    """A weekday outside every day off (``(first, last)`` pairs, both included)."""
    return day.weekday() < 5 and not any(first <= day <= last for first, last in days_off)


def half_days(
    spans: Iterable[tuple[datetime.datetime, datetime.datetime]],
    *,
    days_off: Sequence[tuple[datetime.date, datetime.date]] = (),
    morning_ends: datetime.time = MORNING_ENDS,
    first_day: datetime.date | None = None,
    last_day: datetime.date | None = None,
) -> set[HalfDay]:
    """The half-days of school covered by spans of absence: the legal unit of absence.

    Rules (times are read in the local time zone):

    * a day has two halves: the morning, until ``morning_ends`` (12:30 by default), and the
      afternoon, from then on;
    * a span counts a half-day when it covers any part of it: 10:00-10:55 is the morning,
      11:00-14:00 the morning and the afternoon, 12:30-13:30 the afternoon only (the span
      must go past the boundary: 8:00-12:30 is the morning only);
    * a half-day counts once, however many spans cover it (two absences of one morning are
      one half-day);
    * Saturdays, Sundays and the establishment's days off never count: an absence from
      Friday 8:00 to Monday 18:00 is four half-days;
    * ``first_day``/``last_day`` (both included) keep only the half-days of a range, so a
      month's total counts the part of a longer absence that falls in that month.

    Out-of-school absences (trips) are not given to this function: they never count.
    Returns a set of ``(day, MORNING or AFTERNOON)``.
    """
    found: set[HalfDay] = set()
    for starts_at, ends_at in spans:
        start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
        if end <= start:
            continue
        tz = start.tzinfo
        day = start.date()
        while day <= end.date():
            in_range = (first_day is None or day >= first_day) and (last_day is None or day <= last_day)
            if in_range and is_school_day(day, days_off):
                midnight = datetime.datetime.combine(day, datetime.time(0), tzinfo=tz)
                boundary = datetime.datetime.combine(day, morning_ends, tzinfo=tz)
                next_midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz)
                if start < boundary and end > midnight:
                    found.add((day, MORNING))
                if start < next_midnight and end > boundary:
                    found.add((day, AFTERNOON))
            day += datetime.timedelta(days=1)
    return found


@dataclass
class Totals:
    """A student's totals over a range: half-days absent (by justification) and lateness."""

    half_days: int = 0
    justified: int = 0
    unjustified: int = 0
    pending: int = 0
    lateness: int = 0
    minutes_late: int = 0


def totals_of(
    absences: Iterable[tuple[datetime.datetime, datetime.datetime, str]],
    lateness_minutes: Iterable[int],
    *,
    days_off: Sequence[tuple[datetime.date, datetime.date]] = (),
    first_day: datetime.date | None = None,
    last_day: datetime.date | None = None,
) -> Totals:
    """Add up one student's absences ``(starts_at, ends_at, status)`` and lateness (minutes each).

    A half-day covered by several absences takes the least favourable of their statuses: not
    justified (none given, or refused) before pending (a justification to review) before
    justified. So ``justified + unjustified + pending == half_days``.
    """
    rank = {JustificationStatus.JUSTIFIED: 0, JustificationStatus.PENDING: 1}
    worst: dict[HalfDay, int] = {}
    for starts_at, ends_at, status in absences:
        level = rank.get(JustificationStatus(status), 2)
        for half in half_days([(starts_at, ends_at)], days_off=days_off, first_day=first_day, last_day=last_day):
            worst[half] = max(worst.get(half, 0), level)
    minutes = list(lateness_minutes)
    levels = list(worst.values())
    return Totals(
        half_days=len(levels),
        justified=levels.count(0),
        pending=levels.count(1),
        unjustified=levels.count(2),
        lateness=len(minutes),
        minutes_late=sum(minutes),
    )


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(0)))


def days_off_of(
    establishment_id: int, first_day: datetime.date, last_day: datetime.date
) -> list[tuple[datetime.date, datetime.date]]:
    """The establishment's days off that touch a range, as ``(first, last)`` pairs (one query)."""
    rows: QuerySet[Any, Any] = DayOff.objects.filter(
        establishment_id=establishment_id, starts_on__lte=last_day, ends_on__gte=first_day
    ).values_list("starts_on", "ends_on")
    return list(rows)


def students_totals(
    *, establishment_id: int, student_ids: Sequence[int], first_day: datetime.date, last_day: datetime.date
) -> dict[int, Totals]:
    """Each student's totals between two days (both included), in three queries whatever their number."""
    if not student_ids:
        return {}
    days_off = days_off_of(establishment_id, first_day, last_day)
    start, end = _local_midnight(first_day), _local_midnight(last_day + datetime.timedelta(days=1))
    spans: dict[int, list[tuple[datetime.datetime, datetime.datetime, str]]] = {}
    absence_rows: QuerySet[Any, Any] = Absence.objects.filter(
        establishment_id=establishment_id,
        student_id__in=student_ids,
        kind=Absence.Kind.ABSENCE,
        starts_at__lt=end,
        ends_at__gt=start,
    ).values_list("student_id", "starts_at", "ends_at", "status")
    for student_id, starts_at, ends_at, status in absence_rows:
        spans.setdefault(student_id, []).append((starts_at, ends_at, status))
    minutes: dict[int, list[int]] = {}
    lateness_rows: QuerySet[Any, Any] = Lateness.objects.filter(
        establishment_id=establishment_id, student_id__in=student_ids, arrived_at__gte=start, arrived_at__lt=end
    ).values_list("student_id", "minutes")
    for student_id, late in lateness_rows:
        minutes.setdefault(student_id, []).append(late)
    return {
        pk: totals_of(spans.get(pk, []), minutes.get(pk, []), days_off=days_off, first_day=first_day, last_day=last_day)
        for pk in student_ids
    }


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a date's month."""
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


@dataclass
class StudentRecord:
    """What a student's history page shows."""

    student: User
    school_class: SchoolClass | None
    periods: list[Period]
    period: Period | None
    first_day: datetime.date
    last_day: datetime.date
    totals: Totals
    year_totals: Totals
    absences: list[Absence]
    lateness: list[Lateness]
    exemptions: list[Exemption]
    incidents: list[Incident]
    sanctions: list[Sanction]


def current_year(establishment_id: int) -> SchoolYear | None:
    """The establishment's current school year."""
    return SchoolYear.objects.filter(establishment_id=establishment_id, is_current=True).first()


def student_record(scope: Scope, student: User, *, period_id: int | None = None) -> StudentRecord:
    """A student's history for a period (or the year): totals, absences, lateness, exemptions, incidents, sanctions.

    A fixed number of queries whatever the length of the record.
    """
    establishment_id = scope.establishment_id
    assert establishment_id is not None
    year = current_year(establishment_id)
    periods = list(Period.objects.filter(establishment_id=establishment_id, school_year=year)) if year else []
    period = next((p for p in periods if p.pk == period_id), None)
    if year is not None:
        year_first, year_last = year.starts_on, year.ends_on
    else:  # no current year set up: September to August around today
        today = timezone.localdate()
        autumn = today.year if today.month >= 9 else today.year - 1
        year_first, year_last = datetime.date(autumn, 9, 1), datetime.date(autumn + 1, 8, 31)
    first_day, last_day = (period.starts_on, period.ends_on) if period else (year_first, year_last)
    start, end = _local_midnight(first_day), _local_midnight(last_day + datetime.timedelta(days=1))
    enrollment = (
        Enrollment.objects.filter(
            establishment_id=establishment_id, student_id=student.pk, school_class__school_year__is_current=True
        )
        .select_related("school_class")
        .first()
    )
    absences = list(
        access.visible_absences(scope)
        .filter(student_id=student.pk, starts_at__lt=end, ends_at__gt=start)
        .select_related("reason")
    )
    lateness = list(
        access.visible_lateness(scope)
        .filter(student_id=student.pk, arrived_at__gte=start, arrived_at__lt=end)
        .select_related("reason")
    )
    exemptions = list(
        Exemption.objects.filter(
            establishment_id=establishment_id, student_id=student.pk, starts_on__lte=last_day, ends_on__gte=first_day
        ).select_related("subject")
    )
    incidents = list(
        access.visible_incidents(scope).filter(
            involvements__student_id=student.pk, occurred_at__gte=start, occurred_at__lt=end
        )
    )
    sanctions = list(
        access.visible_sanctions(scope)
        .filter(student_id=student.pk, starts_at__gte=start, starts_at__lt=end)
        .select_related("supervisor")
    )
    year_totals = students_totals(
        establishment_id=establishment_id, student_ids=[student.pk], first_day=year_first, last_day=year_last
    )[student.pk]
    if period is None:
        totals = year_totals
    else:
        totals = students_totals(
            establishment_id=establishment_id, student_ids=[student.pk], first_day=first_day, last_day=last_day
        )[student.pk]
    return StudentRecord(
        student=student,
        school_class=enrollment.school_class if enrollment else None,
        periods=periods,
        period=period,
        first_day=first_day,
        last_day=last_day,
        totals=totals,
        year_totals=year_totals,
        absences=absences,
        lateness=lateness,
        exemptions=exemptions,
        incidents=incidents,
        sanctions=sanctions,
    )


def reportable_classes(scope: Scope) -> QuerySet[SchoolClass]:
    """The current classes whose monthly report the person reads: all for school life, one's homeroom classes."""
    if scope.establishment_id is None:
        return SchoolClass.objects.none()
    classes = SchoolClass.objects.filter(establishment_id=scope.establishment_id, school_year__is_current=True)
    if scope.has(AttendanceHabilitation.MANAGE):
        return classes
    return classes.filter(homeroom_teacher_id=scope.user_id)


def get_reportable_class(scope: Scope, pk: int) -> SchoolClass:
    """A class whose report the person reads, or 404."""
    return first_or_404(reportable_classes(scope).filter(pk=pk))


REPORT_SORTS = {
    "name": lambda row: (row.student.last_name.lower(), row.student.first_name.lower(), row.student.pk),
    "half_days": lambda row: (-row.totals.half_days, row.student.last_name.lower()),
    "unjustified": lambda row: (-row.totals.unjustified, row.student.last_name.lower()),
    "lateness": lambda row: (-row.totals.lateness, row.student.last_name.lower()),
    "minutes": lambda row: (-row.totals.minutes_late, row.student.last_name.lower()),
}


@dataclass
class ReportRow:
    student: User
    totals: Totals


def class_report(school_class: SchoolClass, *, month: datetime.date, sort: str = "name") -> list[ReportRow]:
    """One row per student of a class with the month's totals, sorted (four queries whatever the class size)."""
    students = list(
        User.objects.filter(enrollments__school_class_id=school_class.pk).order_by("last_name", "first_name", "pk")
    )
    first_day, last_day = month_bounds(month)
    totals = students_totals(
        establishment_id=school_class.establishment_id,
        student_ids=[s.pk for s in students],
        first_day=first_day,
        last_day=last_day,
    )
    rows = [ReportRow(s, totals[s.pk]) for s in students]
    rows.sort(key=REPORT_SORTS.get(sort, REPORT_SORTS["name"]))
    return rows


def thresholds_of(scope: Scope) -> QuerySet[Threshold]:
    """The establishment's alert thresholds."""
    if scope.establishment_id is None:
        return Threshold.objects.none()
    return Threshold.objects.filter(establishment_id=scope.establishment_id).order_by("half_days")


def get_threshold(scope: Scope, pk: int) -> Threshold:
    """A threshold of the establishment, or 404."""
    return first_or_404(thresholds_of(scope).filter(pk=pk))


def open_alerts(scope: Scope) -> QuerySet[ThresholdAlert]:
    """The threshold alerts school life has not handled yet, newest first."""
    if scope.establishment_id is None or not scope.has(AttendanceHabilitation.MANAGE):
        return ThresholdAlert.objects.none()
    return (
        ThresholdAlert.objects.filter(establishment_id=scope.establishment_id, handled_at__isnull=True)
        .select_related("student", "threshold")
        .order_by("-raised_at", "-pk")
    )


def get_open_alert(scope: Scope, pk: int) -> ThresholdAlert:
    """An open alert of the establishment, or 404."""
    return first_or_404(open_alerts(scope).filter(pk=pk))


# -- Incidents and sanctions ---------------------------------------------------------------------


INCIDENTS_PAGE_SIZE = 50


def incident_list(scope: Scope, *, cursor: str = "") -> KeysetPage[Incident]:
    """A page of the incidents the person may read, newest first, with their students (two queries)."""
    rows = access.visible_incidents(scope).prefetch_related(
        Prefetch("students", queryset=User.objects.order_by("last_name", "first_name"))
    )
    return keyset_page(rows, time_field="occurred_at", cursor=cursor, size=INCIDENTS_PAGE_SIZE)


def incident_detail(incident: Incident) -> dict[str, Any]:
    """An incident's students and sanctions (two queries)."""
    return {
        "students": list(incident.students.order_by("last_name", "first_name")),
        "sanctions": list(incident.sanctions.select_related("student", "supervisor").order_by("starts_at")),
    }


def incident_students(scope: Scope) -> QuerySet[User]:
    """The establishment's current students, who may be named in an incident or a sanction."""
    if scope.establishment_id is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True,
        pk__in=Enrollment.objects.filter(
            establishment_id=scope.establishment_id, school_class__school_year__is_current=True
        ).values("student_id"),
    ).order_by("last_name", "first_name", "pk")


def student_class_names(scope: Scope, student_ids: Sequence[int] | None = None) -> dict[int, str]:
    """Each current student's class name (one query)."""
    rows: QuerySet[Any, Any] = Enrollment.objects.filter(
        establishment_id=scope.establishment_id, school_class__school_year__is_current=True
    )
    if student_ids is not None:
        rows = rows.filter(student_id__in=student_ids)
    return dict(rows.values_list("student_id", "school_class__name"))


def supervisors(scope: Scope) -> QuerySet[User]:
    """Staff and teachers of the establishment, who may supervise a detention."""
    if scope.establishment_id is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True,
        pk__in=RoleAssignment.objects.filter(
            establishment_id=scope.establishment_id, is_active=True, role__in=[Role.TEACHER, Role.STAFF]
        ).values("user_id"),
    ).order_by("last_name", "first_name", "pk")
