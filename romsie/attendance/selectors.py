"""Reads of school life: a session's roll, the day's register, a student's record and totals.

Every read starts from ``access``; list pages cost a fixed number of queries whatever their length.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from romsie.core.access.scope import Scope
from romsie.identity.models import User
from romsie.schooling.models import Enrollment
from romsie.timetable.models import Session

from . import access
from .models import Absence, AttendanceMark, Exemption, RollCall

# -- Roll call -------------------------------------------------------------------------------


@dataclass
class RollRow:
    """One student of a roll call sheet, with what the page flags about them."""

    student: User
    class_name: str
    status: str = "present"
    minutes_late: int | None = None
    absent_last_time: bool = False
    exempt: bool = False
    known_absent: bool = False  # away on an absence school life entered (or out of school)
    out_of_school: bool = False  # on a school trip or outing: away, not absent


@dataclass
class RollCallSheet:
    """A session's roll: its students in order, and the roll call when it was already called."""

    session: Session
    roll_call: RollCall | None
    rows: list[RollRow] = field(default_factory=list)

    @property
    def version(self) -> int | None:
        return self.roll_call.version if self.roll_call else None


def _class_name() -> Subquery:
    """The name of the student's class this year (a subquery on the user's ``pk``)."""
    return Subquery(
        Enrollment.objects.filter(student_id=OuterRef("pk"), school_class__school_year__is_current=True)
        .order_by("school_class__name")
        .values("school_class__name")[:1]
    )


def previous_called_session(session: Session) -> QuerySet[Any, Any]:
    """The last earlier session of the same teaching whose roll was called, as a one-row queryset of ids."""
    earlier = Q(date__lt=session.date) | Q(date=session.date, starts_at__lt=session.starts_at)
    return (
        Session.objects.filter(earlier, teaching_id=session.teaching_id, roll_call__isnull=False)
        .order_by("-date", "-starts_at")
        .values("pk")[:1]
    )


def roll_call_sheet(scope: Scope, session: Session) -> RollCallSheet:
    """The roll of a session the person may call (``access.get_callable_session``): six queries, any class size.

    Everyone is present unless marked; students absent at the teaching's last called session,
    exempt from the subject that day, or away on an absence school life entered are flagged.
    """
    roll_call = RollCall.objects.filter(session=session).select_related("called_by", "updated_by").first()
    students = list(access.session_students(session).annotate(class_name=_class_name()))
    ids = [s.pk for s in students]
    marks = (
        {m.student_id: m for m in AttendanceMark.objects.filter(session=session, student_id__in=ids)}
        if roll_call is not None
        else {}
    )
    absent_last = set(
        AttendanceMark.objects.filter(
            session_id__in=Subquery(previous_called_session(session)),
            status=AttendanceMark.Status.ABSENT,
            student_id__in=ids,
        ).values_list("student_id", flat=True)
    )
    exempt = set(
        Exemption.objects.filter(
            Q(subject_id=session.teaching.subject_id) | Q(subject__isnull=True),
            establishment_id=session.establishment_id,
            student_id__in=ids,
            starts_on__lte=session.date,
            ends_on__gte=session.date,
        ).values_list("student_id", flat=True)
    )
    zone = timezone.get_current_timezone()
    starts = timezone.make_aware(datetime.datetime.combine(session.date, session.starts_at), zone)
    ends = timezone.make_aware(datetime.datetime.combine(session.date, session.ends_at), zone)
    known = dict(
        Absence.objects.filter(
            establishment_id=session.establishment_id,
            student_id__in=ids,
            session__isnull=True,
            starts_at__lt=ends,
            ends_at__gt=starts,
        )
        .order_by("-kind")  # "out" before "absence": the dict keeps the last, an absence wins over a trip
        .values_list("student_id", "kind")
    )
    sheet = RollCallSheet(session, roll_call)
    for student in students:
        mark = marks.get(student.pk)
        row = RollRow(
            student,
            getattr(student, "class_name", None) or "",
            absent_last_time=student.pk in absent_last,
            exempt=student.pk in exempt,
            known_absent=student.pk in known,
            out_of_school=known.get(student.pk) == Absence.Kind.OUT_OF_SCHOOL,
        )
        if mark is not None:
            row.status, row.minutes_late = mark.status, mark.minutes_late
        elif roll_call is None and row.known_absent:
            row.status = AttendanceMark.Status.ABSENT  # school life already knows: the first call opens absent
        sheet.rows.append(row)
    return sheet


def roll_call_marks(roll_call: RollCall) -> QuerySet[AttendanceMark]:
    """The marks of a roll call (everyone else was present)."""
    return AttendanceMark.objects.filter(roll_call=roll_call).order_by("student__last_name", "student__first_name")


def roll_calls_of_day(scope: Scope, day: datetime.date) -> QuerySet[Session]:
    """The person's own sessions of a day whose roll they may call, with their roll call if any (one query)."""
    return (
        access.callable_sessions(scope)
        .filter(teacher_id=scope.user_id, date=day)
        .select_related(
            "teaching__subject", "teaching__school_class", "teaching__teaching_group", "room", "roll_call__called_by"
        )
        .order_by("starts_at", "pk")
    )


def roll_calls_missing(scope: Scope, day: datetime.date, *, now: datetime.datetime | None = None) -> QuerySet[Session]:
    """The day's sessions already started whose roll has not been called, by time, with their teacher (one query)."""
    now = timezone.localtime(now or timezone.now())
    sessions = access.callable_sessions(scope).filter(date=day, roll_call__isnull=True)
    if day > now.date():
        sessions = sessions.none()
    elif day == now.date():
        sessions = sessions.filter(starts_at__lte=now.time())
    return sessions.select_related(
        "teacher", "teaching__subject", "teaching__school_class", "teaching__teaching_group", "room"
    ).order_by("starts_at", "teacher__last_name", "pk")


# -- School-life office ------------------------------------------------------------------------


# -- A student's record ------------------------------------------------------------------------


# -- Incidents and sanctions ---------------------------------------------------------------------
