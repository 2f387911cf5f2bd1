"""Reads of school life: a session's roll, the day's register, a student's record and totals.

Every read starts from ``access``; list pages cost a fixed number of queries whatever their length.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, IntegerField, Prefetch, Q, QuerySet, Subquery, Value
from django.utils import timezone

from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.core.pagination import KeysetPage, keyset_page
from romsie.identity.models import User
from romsie.schooling.models import Enrollment, GroupMembership, SchoolClass, SchoolYear, TeachingGroup
from romsie.timetable.models import Session

from . import access, services
from .models import (
    Absence,
    AbsenceReason,
    AttendanceMark,
    Exemption,
    Justification,
    JustificationStatus,
    Lateness,
    Sanction,
)

# -- Roll call -------------------------------------------------------------------------------


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
    return [r for r in services.default_reasons_ensure(scope.establishment_id) if r.is_active]


def settable_reasons(scope: Scope) -> list[AbsenceReason]:
    """Every absence reason of the establishment, for the settings page (defaults created on first use)."""
    if scope.establishment_id is None:
        return []
    services.default_reasons_ensure(scope.establishment_id)
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


# -- Incidents and sanctions ---------------------------------------------------------------------
