"""Reads of the homework log, each a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from romsie.core import versions
from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.identity.models import User
from romsie.notifications.kinds import local_date_time
from romsie.schooling.models import SchoolClass, Subject, Teaching
from romsie.timetable.models import Session

from . import access, services
from .habilitations import HomeworkHabilitation
from .models import Homework, HomeworkTick, LogAttachment, LogEntry, PlannerEntry, Submission, Visa


def _with_student_state(homework: QuerySet[Homework], student_id: int | None) -> QuerySet[Homework]:
    """Annotate each homework with the student's tick and handed-in work."""
    if student_id is None:
        return homework
    mine = Submission.objects.filter(homework=OuterRef("pk"), student_id=student_id)
    return homework.annotate(
        is_done=Exists(HomeworkTick.objects.filter(homework=OuterRef("pk"), student_id=student_id)),
        submission_id=Subquery(mine.values("pk")[:1]),
        submission_late=Subquery(mine.values("is_late")[:1]),
        submission_at=Subquery(mine.values("submitted_at")[:1]),
        submission_returned_at=Subquery(mine.values("returned_at")[:1]),
    )


# -- Homework to do ------------------------------------------------------------------------


@dataclass
class DueDay:
    date: datetime.date
    homework: list[Homework] = field(default_factory=list)
    planner: list[PlannerEntry] = field(default_factory=list)


@dataclass
class TodoPage:
    student_id: int | None
    is_student: bool
    days: list[DueDay]
    subjects: list[Subject]
    subject_id: int | None
    start: datetime.date
    past: bool


def todo_stamp(scope: Scope, *parts: Any) -> tuple[Any, ...]:
    """What the homework to do of a student depends on, for the page's cache (``core.fragments``)."""
    student_id = access.homework_student(scope)
    return (
        *parts,
        student_id,
        scope.is_student,
        scope.is_parent,
        timezone.localdate(),
        sorted(scope.habilitations),
        *versions.stamp(
            versions.key(versions.Kind.HOMEWORK, scope.establishment_id),
            versions.key(versions.Kind.HOMEWORK_TICKS, student_id),
            versions.key(versions.Kind.STRUCTURE, scope.establishment_id),
        ),
    )


def todo_for_student(scope: Scope, *, subject_id: int | None = None, past: bool = False) -> TodoPage:
    """Homework due from today (or of the last four weeks), by date, with ticks and own planner.

    Three queries for a student (subjects, homework, planner), two for a parent (no planner).
    """
    student_id = access.homework_student(scope)
    today = timezone.localdate()
    start, end = (today - datetime.timedelta(days=28), today - datetime.timedelta(days=1)) if past else (today, None)
    if student_id is None:
        return TodoPage(None, False, [], [], subject_id, start, past)
    assert scope.establishment_id is not None
    subjects = list(
        Subject.objects.filter(
            pk__in=access.student_teachings(student_id, scope.establishment_id).values("subject_id")
        ).order_by("name")
    )
    homework = access.visible_homework(scope).filter(due_on__gte=start)
    planner = access.own_planner(scope).filter(due_on__gte=start)
    if end is not None:
        homework, planner = homework.filter(due_on__lte=end), planner.filter(due_on__lte=end)
    if subject_id is not None:
        homework = homework.filter(teaching__subject_id=subject_id)
        planner = planner.filter(subject_id=subject_id)
    rows = list(
        _with_student_state(homework, student_id)
        .select_related("teaching__subject", "entry")
        .order_by("due_on", "teaching__subject__name", "pk")
    )
    own = list(planner.select_related("subject").order_by("due_on", "pk")) if access.is_student(scope) else []
    days: dict[datetime.date, DueDay] = {}
    for h in rows:
        days.setdefault(h.due_on, DueDay(h.due_on)).homework.append(h)
    for p in own:
        days.setdefault(p.due_on, DueDay(p.due_on)).planner.append(p)
    ordered = sorted(days.values(), key=lambda d: d.date, reverse=past)
    return TodoPage(student_id, access.is_student(scope), ordered, subjects, subject_id, start, past)


def todo_by_subject(page: TodoPage) -> list[tuple[str, list[Homework]]]:
    """The same homework grouped by subject (no query)."""
    items = sorted((h for day in page.days for h in day.homework), key=lambda h: (h.teaching.subject.name, h.due_on))
    return [(name, list(group)) for name, group in groupby(items, key=lambda h: h.teaching.subject.name)]


def widget_homework(scope: Scope, days: int = 7) -> list[Homework]:
    """Homework due in the next days for the student (or the parent's child); one query."""
    student_id = access.homework_student(scope)
    if student_id is None:
        return []
    today = timezone.localdate()
    homework = access.visible_homework(scope).filter(
        due_on__gte=today, due_on__lte=today + datetime.timedelta(days=days)
    )
    return list(
        _with_student_state(homework, student_id)
        .select_related("teaching__subject")
        .order_by("due_on", "teaching__subject__name", "pk")[:20]
    )


def homework_for_student(scope: Scope, pk: int) -> Homework:
    """One homework with the student's tick and hand-in (after a tick), or raise 404."""
    homework = _with_student_state(access.visible_homework(scope).filter(pk=pk), access.homework_student(scope))
    return first_or_404(homework.select_related("teaching__subject"))


# -- Entries -------------------------------------------------------------------------------


def _entry_prefetch(entries: QuerySet[LogEntry]) -> QuerySet[LogEntry]:
    related = entries.select_related("teaching__subject", "teaching__school_class", "teaching__teaching_group")
    return related.prefetch_related(
        Prefetch("homework", queryset=Homework.objects.order_by("due_on", "pk")),
        Prefetch("attachments", queryset=LogAttachment.objects.order_by("pk")),
    )


@dataclass
class EntryPage:
    entry: LogEntry
    homework: list[Homework]
    attachments: list[LogAttachment]
    can_write: bool
    locked_on: datetime.date | None
    is_student: bool
    copy_targets: bool
    documents: list[Any] = field(default_factory=list)


def entry_detail(scope: Scope, pk: int) -> EntryPage:
    entry = access.get_entry(scope, pk)
    student_id = access.homework_student(scope)
    homework = list(
        _with_student_state(entry.homework.select_related("teaching__subject").order_by("due_on", "pk"), student_id)
    )
    can_write = access.can_write_entry(scope, entry)
    locked_on = services.visa_date(entry.teaching_id) if can_write else None
    if locked_on is not None and entry.date > locked_on:
        locked_on = None
    copy_targets = can_write and access.writable_teachings(scope).exclude(pk=entry.teaching_id).exists()
    return EntryPage(
        entry,
        homework,
        list(entry.attachments.order_by("pk")),
        can_write,
        locked_on,
        access.is_student(scope),
        copy_targets,
        # Linked documents: one query more, only where the documents service is on.
        list(entry.linked_documents.order_by("name_key")) if "documents" in scope.services else [],
    )


@dataclass
class TeachingLog:
    teaching: Teaching
    entries: Any
    visa_on: datetime.date | None
    can_write: bool
    sessions_to_log: list[tuple[int, str]]


def teaching_log(scope: Scope, teaching: Teaching, page: Any = None) -> tuple[TeachingLog, Any]:
    """The log of one teaching, newest first, with the sessions still to log (fixed queries)."""
    from django.core.paginator import Paginator

    entries = access.visible_entries(scope).filter(teaching=teaching).order_by("-date", "-starts_at", "-pk")
    page_obj = Paginator(_entry_prefetch(entries), 25).get_page(page)
    can_write = scope.has(HomeworkHabilitation.WRITE) and teaching.teacher_id == scope.user_id
    choices: list[tuple[int, str]] = []
    if can_write:
        today = timezone.localdate()
        sessions = (
            access.loggable_sessions(scope)
            .filter(
                teaching=teaching,
                date__gte=today - datetime.timedelta(days=21),
                date__lte=today + datetime.timedelta(days=14),
                log_entries__isnull=True,
            )
            .exclude(status=Session.Status.CANCELLED)
            .order_by("-date", "-starts_at")
        )
        choices = [(s.pk, local_date_time(s.date.isoformat(), s.starts_at.isoformat("minutes"))) for s in sessions]
    log = TeachingLog(teaching, page_obj, services.visa_date(teaching.pk), can_write, choices)
    return log, page_obj


def my_teachings(scope: Scope) -> list[Teaching]:
    """The teacher's teachings with their last entry date; one query."""
    from django.db.models import Count, Max

    return list(
        access.writable_teachings(scope)
        .select_related("subject", "school_class", "teaching_group")
        .annotate(last_entry_on=Max("log_entries__date"), entry_count=Count("log_entries"))
        .order_by("school_class__name", "teaching_group__name", "subject__name")
    )


@dataclass
class ClassLog:
    school_class: SchoolClass
    entries: Any
    visas: list[Visa]


def class_log(scope: Scope, school_class: SchoolClass, page: Any = None) -> ClassLog:
    """The published log of every teaching of a class, newest first, and its visas."""
    from django.core.paginator import Paginator

    teachings = Teaching.objects.filter(services.class_teachings(school_class)).values("pk")
    entries = access.visible_entries(scope).filter(teaching__in=teachings).order_by("-date", "-starts_at", "-pk")
    page_obj = Paginator(_entry_prefetch(entries.select_related("author")), 30).get_page(page)
    visas = list(
        Visa.objects.filter(teaching__in=teachings, establishment_id=scope.establishment_id)
        .select_related("teaching__subject", "signed_by")
        .order_by("-signed_on", "-pk")[:30]
    )
    return ClassLog(school_class, page_obj, visas)


def class_index(scope: Scope) -> list[SchoolClass]:
    """Classes whose log the person may consult, with their last visa; one query."""
    from django.db.models import Max

    return list(
        access.consultable_classes(scope)
        .annotate(last_visa_on=Max("teachings__visas__signed_on"))
        .select_related("level")
        .order_by("level__order", "name")
    )


# -- Work handed in ------------------------------------------------------------------------


@dataclass
class HandInRow:
    student: User
    submission: Submission | None


def hand_in_list(scope: Scope, homework: Homework) -> list[HandInRow]:
    """Every student of the teaching, with what they handed in (three queries)."""
    students = services.students_of(homework.teaching)
    people = User.objects.filter(pk__in=students).order_by("last_name", "first_name", "pk")
    submissions = {s.student_id: s for s in Submission.objects.filter(homework=homework, student_id__in=students)}
    return [HandInRow(person, submissions.get(person.pk)) for person in people]
