"""Reads of school life: a session's roll, the day's register, a student's record and totals.

Every read starts from ``access``; list pages cost a fixed number of queries whatever their length.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.utils import timezone

from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.core.pagination import KeysetPage, keyset_page
from romsie.identity.models import Role, RoleAssignment, User
from romsie.schooling.models import Enrollment, GroupMembership, Period, SchoolClass, SchoolYear, TeachingGroup
from romsie.timetable.models import DayOff, Session

from . import access, reasons
from .habilitations import AttendanceHabilitation
from .models import (
    Absence,
    AbsenceReason,
    AttendanceMark,
    Exemption,
    Incident,
    Justification,
    JustificationStatus,
    Lateness,
    RollCall,
    Sanction,
    Threshold,
    ThresholdAlert,
)

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
            "teaching__subject",
            "teaching__school_class",
            "teaching__teaching_group",
            "room",
            "roll_call__called_by",
            "roll_call__updated_by",
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


# What a student's cell in the register says about one session.
PRESENT, ABSENT, LATE, LEFT_EARLY = "present", "absent", "late", "left_early"
KNOWN, OUT, EXEMPT, UNCALLED, NOT_EXPECTED = "known", "out", "exempt", "uncalled", "none"


@dataclass
class ClassDay:
    """One class on the register: its sessions of the day and who is away."""

    school_class: SchoolClass
    sessions: list[Session] = field(default_factory=list)
    size: int = 0
    absent: set[str] = field(default_factory=set)
    late: set[str] = field(default_factory=set)
    left_early: set[str] = field(default_factory=set)
    out: set[str] = field(default_factory=set)
    exempted: set[str] = field(default_factory=set)

    @property
    def absent_names(self) -> list[str]:
        return sorted(self.absent)

    @property
    def late_names(self) -> list[str]:
        return sorted(self.late)

    @property
    def left_early_names(self) -> list[str]:
        return sorted(self.left_early)

    @property
    def out_names(self) -> list[str]:
        return sorted(self.out)

    @property
    def exempted_names(self) -> list[str]:
        return sorted(self.exempted)

    @property
    def called(self) -> int:
        return sum(1 for s in self.sessions if s.is_called)  # type: ignore[attr-defined]


@dataclass
class Cell:
    state: str
    minutes: int | None = None


@dataclass
class StudentRow:
    """One student of the chosen class: a cell per session, and their records of the day."""

    student: User
    cells: list[Cell]
    absences: list[Absence]
    lateness: list[Lateness]
    exemptions: list[Exemption]


@dataclass
class Register:
    day: datetime.date
    classes: list[ClassDay]
    chosen: ClassDay | None = None
    rows: list[StudentRow] = field(default_factory=list)


def _name(user: User) -> str:
    return f"{user.last_name} {user.first_name}".strip()


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The start of a day and of the next one, in the establishment's time zone."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def _session_span(session: Session) -> tuple[datetime.datetime, datetime.datetime]:
    return (
        timezone.make_aware(datetime.datetime.combine(session.date, session.starts_at)),
        timezone.make_aware(datetime.datetime.combine(session.date, session.ends_at)),
    )


def day_register(scope: Scope, day: datetime.date, class_id: int | None = None) -> Register:
    """The day's register of the establishment, per class, and per student for the chosen class.

    A fixed number of queries whatever the number of classes, students and sessions: the
    day's sessions, enrolments, group links, marks, absences, lateness and exemptions are each
    read once and sorted out in Python.
    """
    establishment_id = scope.establishment_id
    start, end = day_bounds(day)
    classes = list(access.office_classes(scope).select_related("level").order_by("level__order", "name"))
    by_class = {c.pk: ClassDay(c) for c in classes}
    sessions = list(
        Session.objects.filter(establishment_id=establishment_id, date=day, status=Session.Status.PLANNED)
        .select_related("teaching__subject", "teacher", "roll_call__called_by")
        .order_by("starts_at", "pk")
    )
    group_classes: dict[int, list[int]] = {}
    links = TeachingGroup.school_classes.through.objects.filter(
        teachinggroup__establishment_id=establishment_id, teachinggroup__school_year__is_current=True
    ).values_list("teachinggroup_id", "schoolclass_id")
    for group_id, school_class_id in links:
        group_classes.setdefault(group_id, []).append(school_class_id)
    for session in sessions:
        session.is_called = hasattr(session, "roll_call")  # type: ignore[attr-defined]
        teaching = session.teaching
        if teaching.school_class_id is not None:
            targets = [teaching.school_class_id]
        else:
            targets = group_classes.get(teaching.teaching_group_id or 0, [])
        for school_class_id in targets:
            if school_class_id in by_class:
                by_class[school_class_id].sessions.append(session)
    class_of: dict[int, int] = {}
    for student_id, school_class_id in Enrollment.objects.filter(
        establishment_id=establishment_id, school_class__school_year__is_current=True
    ).values_list("student_id", "school_class_id"):
        class_of[student_id] = school_class_id
        if school_class_id in by_class:
            by_class[school_class_id].size += 1
    marks = list(
        AttendanceMark.objects.filter(establishment_id=establishment_id, session__date=day).select_related("student")
    )
    absences = list(
        Absence.objects.filter(establishment_id=establishment_id, starts_at__lt=end, ends_at__gt=start)
        .select_related("student", "reason")
        .order_by("starts_at", "pk")
    )
    lateness = list(
        Lateness.objects.filter(establishment_id=establishment_id, arrived_at__gte=start, arrived_at__lt=end)
        .select_related("student", "reason")
        .order_by("arrived_at", "pk")
    )
    exemptions = list(
        Exemption.objects.filter(establishment_id=establishment_id, starts_on__lte=day, ends_on__gte=day)
        .select_related("student", "subject")
        .order_by("pk")
    )

    def add(student: User, what: str) -> None:
        found = by_class.get(class_of.get(student.pk, 0))
        if found is not None:
            getattr(found, what).add(_name(student))

    for mark in marks:
        add(mark.student, {ABSENT: "absent", LATE: "late"}.get(mark.status, "left_early"))
    for absence in absences:
        add(absence.student, "out" if absence.kind == Absence.Kind.OUT_OF_SCHOOL else "absent")
    for late in lateness:
        add(late.student, "late")
    for exemption in exemptions:
        add(exemption.student, "exempted")
    register = Register(day, classes=list(by_class.values()))
    if class_id is None or class_id not in by_class:
        return register
    chosen = register.chosen = by_class[class_id]
    students = list(
        User.objects.filter(enrollments__school_class_id=class_id, is_active=True).order_by(
            "last_name", "first_name", "pk"
        )
    )
    groups: dict[int, set[int]] = {}
    for student_id, group_id in GroupMembership.objects.filter(
        establishment_id=establishment_id,
        teaching_group__school_year__is_current=True,
        student_id__in=Enrollment.objects.filter(school_class_id=class_id).values("student_id"),
    ).values_list("student_id", "teaching_group_id"):
        groups.setdefault(student_id, set()).add(group_id)
    mark_of = {(m.session_id, m.student_id): m for m in marks}
    for student in students:
        own_absences = [a for a in absences if a.student_id == student.pk]
        own_exemptions = [e for e in exemptions if e.student_id == student.pk]
        cells = []
        for session in chosen.sessions:
            needed = session.teaching.teaching_group_id
            if needed is not None and needed not in groups.get(student.pk, set()):
                cells.append(Cell(NOT_EXPECTED))
                continue
            marked = mark_of.get((session.pk, student.pk))
            if marked is not None:
                cells.append(Cell(marked.status, marked.minutes_late))
                continue
            s_start, s_end = _session_span(session)
            away = [a for a in own_absences if a.starts_at < s_end and a.ends_at > s_start]
            if away:
                cells.append(Cell(OUT if away[0].kind == Absence.Kind.OUT_OF_SCHOOL else KNOWN))
            elif any(not e.must_attend and e.subject_id in (None, session.teaching.subject_id) for e in own_exemptions):
                cells.append(Cell(EXEMPT))
            else:
                cells.append(Cell(PRESENT if session.is_called else UNCALLED))  # type: ignore[attr-defined]
        register.rows.append(
            StudentRow(
                student,
                cells,
                own_absences,
                [late for late in lateness if late.student_id == student.pk],
                own_exemptions,
            )
        )
    return register


def office_reasons(scope: Scope) -> list[AbsenceReason]:
    """The establishment's absence reasons in use (the default list created on first use)."""
    if scope.establishment_id is None:
        return []
    return [r for r in reasons.default_reasons_ensure(scope.establishment_id) if r.is_active]


def settable_reasons(scope: Scope) -> list[AbsenceReason]:
    """Every absence reason of the establishment, for the settings page (defaults created on first use)."""
    if scope.establishment_id is None:
        return []
    reasons.default_reasons_ensure(scope.establishment_id)
    return list(access.settable_reasons(scope))


def office_students_named(scope: Scope, ids: list[int]) -> list[User]:
    """The current students among these ids, by name (the picker's lookup)."""
    return list(access.office_students(scope).filter(pk__in=ids).order_by("last_name", "first_name", "pk"))


def office_students_matching(scope: Scope, words: str, limit: int = 20) -> list[User]:
    """Current students whose name contains every word (the picker's search)."""
    found = access.office_students(scope)
    for word in words.split()[:4]:
        found = found.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word))
    return list(found.order_by("last_name", "first_name", "pk")[:limit])


def class_student_ids(scope: Scope, class_id: int) -> list[int]:
    """The current students of one of the establishment's classes (to pick a class for an outing)."""
    return list(
        access.office_students(scope)
        .filter(enrollments__school_class_id=class_id)
        .order_by("last_name", "first_name", "pk")
        .values_list("pk", flat=True)
    )


# -- A student's record ------------------------------------------------------------------------

# What a family may still justify (a refused justification may be given again, with another reason).
OPEN_STATUSES = (JustificationStatus.UNJUSTIFIED, JustificationStatus.REFUSED)


def year_start(establishment_id: int | None) -> Subquery:
    """The first day of the establishment's current school year, as a subquery (no query of its own)."""
    return Subquery(
        SchoolYear.objects.filter(establishment_id=establishment_id, is_current=True).values("starts_on")[:1]
    )


def _with_last_justification(rows: list[Any]) -> list[Any]:
    """Give each absence or lateness its newest justification (``last_justification``, None if none)."""
    for row in rows:
        found = list(row.justifications.all())
        row.last_justification = found[0] if found else None
        row.is_open = row.status in OPEN_STATUSES
    return rows


@dataclass
class FamilyRecord:
    """A student's school-life page of the current year: what happened, newest first, and what may be justified."""

    student_id: int
    may_justify: bool
    absences: list[Absence] = field(default_factory=list)
    lateness: list[Lateness] = field(default_factory=list)
    exemptions: list[Exemption] = field(default_factory=list)
    sanctions: list[Sanction] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.absences or self.lateness or self.exemptions or self.sanctions)


def family_record(scope: Scope, student_id: int) -> FamilyRecord:
    """The record of the student the person follows (``access.followed_student_id``): seven queries, any length."""
    start = year_start(scope.establishment_id)
    newest = Prefetch("justifications", queryset=Justification.objects.select_related("reason").order_by("-pk"))
    absences = list(
        access.visible_absences(scope)
        .filter(student_id=student_id, starts_at__date__gte=start)
        .select_related("reason", "session__teaching__subject")
        .prefetch_related(newest)
        .order_by("-starts_at", "-pk")
    )
    lateness = list(
        access.visible_lateness(scope)
        .filter(student_id=student_id, arrived_at__date__gte=start)
        .select_related("reason", "session__teaching__subject")
        .prefetch_related(newest)
        .order_by("-arrived_at", "-pk")
    )
    exemptions = list(
        Exemption.objects.filter(
            establishment_id=scope.establishment_id,
            student_id__in=access.visible_students(scope).filter(pk=student_id).values("pk"),
            ends_on__gte=start,
        )
        .select_related("subject")
        .order_by("-starts_on", "-pk")
    )
    sanctions = list(
        access.visible_sanctions(scope)
        .filter(student_id=student_id, starts_at__date__gte=start)
        .order_by("-starts_at", "-pk")
    )
    return FamilyRecord(
        student_id=student_id,
        may_justify=access.may_justify(scope, student_id),
        absences=_with_last_justification(absences),
        lateness=_with_last_justification(lateness),
        exemptions=exemptions,
        sanctions=sanctions,
    )


@dataclass(frozen=True)
class RecentEvent:
    """An absence or a lateness on the dashboard widget."""

    pk: int
    when: datetime.datetime
    is_absence: bool
    status: str
    minutes: int

    @property
    def status_label(self) -> str:
        return str(JustificationStatus(self.status).label)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class RecordSummary:
    """The dashboard widget's figures: unjustified absences of the year and the last events."""

    unjustified: int
    recent: list[RecentEvent]


def record_summary(scope: Scope, student_id: int, *, size: int = 4) -> RecordSummary:
    """The widget's summary of a student's year: two queries."""
    start = year_start(scope.establishment_id)
    absences = access.visible_absences(scope).filter(
        student_id=student_id, kind=Absence.Kind.ABSENCE, starts_at__date__gte=start
    )
    unjustified = absences.filter(status__in=OPEN_STATUSES).count()
    recent_absences = (
        absences.annotate(when=F("starts_at"), is_absence=Value(1), late=Value(0, output_field=IntegerField()))
        .values_list("pk", "when", "is_absence", "status", "late")
        .order_by()
    )
    recent_lateness = (
        access.visible_lateness(scope)
        .filter(student_id=student_id, arrived_at__date__gte=start)
        .annotate(when=F("arrived_at"), is_absence=Value(0), late=F("minutes"))
        .values_list("pk", "when", "is_absence", "status", "late")
        .order_by()
    )
    rows = recent_absences.union(recent_lateness, all=True).order_by("-when")[:size]
    recent = [RecentEvent(pk, when, bool(flag), status, minutes) for pk, when, flag, status, minutes in rows]
    return RecordSummary(unjustified=unjustified, recent=recent)


def justification_page(scope: Scope, *, state: str, cursor: str, size: int = 30) -> KeysetPage[Justification]:
    """Justifications to review (``state``: a status, or "" for all), newest first; one query."""
    rows: QuerySet[Justification] = access.reviewable_justifications(scope).select_related(
        "reason", "absence__student", "lateness__student", "submitted_by"
    )
    if state:
        rows = rows.filter(status=state)
    return keyset_page(rows, time_field="submitted_at", cursor=cursor, size=size)


def pending_justification_count(scope: Scope) -> int:
    """How many justifications wait for a review (one query)."""
    return access.reviewable_justifications(scope).filter(status=Justification.Status.PENDING).count()


def justification_detail(scope: Scope, pk: int) -> Justification:
    """A justification to review, with its absence or lateness, student and reasons (or 404)."""
    return first_or_404(
        access.reviewable_justifications(scope)
        .filter(pk=pk)
        .select_related(
            "reason",
            "absence__student",
            "absence__session__teaching__subject",
            "lateness__student",
            "lateness__session__teaching__subject",
            "submitted_by",
            "reviewed_by",
        )
    )


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
