"""Who sees and who writes what in the homework log.

* Everything is within the current establishment: another establishment's entry, homework,
  file, class or teaching answers 404.
* A student sees the published entries (and their homework) of their classes' and groups'
  teachings of the current year, once their publication time has come; drafts and scheduled
  entries stay hidden. Their ticks, planner entries and handed-in work are theirs alone.
* A parent sees the same as the child chosen in the header, with the child's ticks and
  handed-in work (never the child's private planner), and cannot tick or hand in for them.
* A teacher (``homework.write``) sees and writes the entries of their own teachings and of
  the sessions they taught (a substitute logs the session they took), drafts included, and
  sees the work handed in for that homework.
* Those holding ``homework.view_all`` (the head) read every class's log, drafts excepted;
  ``homework.visa`` stamps it, after which the entries up to the visa date are read-only.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.schooling.access import current_teaching_ids
from romsie.schooling.models import SchoolClass, Teaching
from romsie.timetable.access import student_filter
from romsie.timetable.models import Session

from .habilitations import HomeworkHabilitation
from .models import Homework, LogAttachment, LogEntry, PlannerEntry, Submission


def homework_student(scope: Scope) -> int | None:
    """The student whose homework the person follows: themselves, or the parent's chosen child."""
    return scope.followed_student_id(HomeworkHabilitation.VIEW)


def is_student(scope: Scope) -> bool:
    """Whether the person is a student following their own homework."""
    return homework_student(scope) == scope.user_id and scope.user_id is not None


def _public() -> Q:
    return Q(status=LogEntry.Status.PUBLISHED) & (Q(publish_at__isnull=True) | Q(publish_at__lte=timezone.now()))


def _own_teaching(scope: Scope, prefix: str = "") -> Q:
    """Entries of the teacher's teachings, of the sessions they taught, or that they wrote."""
    return (
        Q(**{f"{prefix}teaching__teacher_id": scope.user_id})
        | Q(**{f"{prefix}session__teacher_id": scope.user_id})
        | Q(**{f"{prefix}author_id": scope.user_id})
    )


def student_teachings(student_id: int, establishment_id: int) -> QuerySet[Teaching]:
    """The teachings of a student's classes and groups of the current year."""
    return Teaching.objects.filter(pk__in=current_teaching_ids(establishment_id, student_id))


def visible_entries(scope: Scope) -> QuerySet[LogEntry]:
    """Entries the person may read (see the rules at the top)."""
    if scope.establishment_id is None or not scope.has(HomeworkHabilitation.VIEW):
        return LogEntry.objects.none()
    entries = LogEntry.objects.filter(establishment_id=scope.establishment_id)
    allowed = Q(pk__in=[])
    if scope.has(HomeworkHabilitation.VIEW_ALL):
        allowed |= Q(status=LogEntry.Status.PUBLISHED)
    if scope.has(HomeworkHabilitation.WRITE):
        allowed |= _own_teaching(scope)
    student = homework_student(scope)
    if student is not None:
        allowed |= _public() & student_filter(student, scope.establishment_id)
    return entries.filter(allowed)


def get_entry(scope: Scope, pk: int) -> LogEntry:
    """Return an entry the person may read, or raise 404."""
    return first_or_404(
        visible_entries(scope)
        .select_related("teaching__subject", "teaching__school_class", "teaching__teaching_group", "author")
        .filter(pk=pk)
    )


def writable_entries(scope: Scope) -> QuerySet[LogEntry]:
    """Entries the person may change: a teacher's own (the visa lock is checked by the services)."""
    if scope.establishment_id is None or not scope.has(HomeworkHabilitation.WRITE):
        return LogEntry.objects.none()
    return LogEntry.objects.filter(_own_teaching(scope), establishment_id=scope.establishment_id)


def get_writable_entry(scope: Scope, pk: int) -> LogEntry:
    """Return an entry the person may change, or raise 404."""
    return first_or_404(
        writable_entries(scope).select_related("teaching__subject", "teaching__school_class").filter(pk=pk)
    )


def can_write_entry(scope: Scope, entry: LogEntry) -> bool:
    """Whether the person may change the entry (the visa lock aside)."""
    return writable_entries(scope).filter(pk=entry.pk).exists()


def writable_teachings(scope: Scope) -> QuerySet[Teaching]:
    """The teacher's own teachings of the current year."""
    if scope.establishment_id is None or not scope.has(HomeworkHabilitation.WRITE):
        return Teaching.objects.none()
    return Teaching.objects.filter(
        Q(school_class__school_year__is_current=True) | Q(teaching_group__school_year__is_current=True),
        establishment_id=scope.establishment_id,
        teacher_id=scope.user_id,
    )


def loggable_sessions(scope: Scope) -> QuerySet[Session]:
    """Sessions the person may log: those they taught, or of their own teachings."""
    if scope.establishment_id is None or not scope.has(HomeworkHabilitation.WRITE):
        return Session.objects.none()
    return Session.objects.filter(
        Q(teacher_id=scope.user_id) | Q(teaching__teacher_id=scope.user_id), establishment_id=scope.establishment_id
    )


def get_loggable_session(scope: Scope, pk: int) -> Session:
    """Return a session the person may log, or raise 404."""
    sessions = loggable_sessions(scope).select_related("teaching__subject", "teaching__school_class")
    return first_or_404(sessions.filter(pk=pk))


def readable_teachings(scope: Scope) -> QuerySet[Teaching]:
    """Teachings whose log the person may open: their own, or all with ``view_all``."""
    if scope.establishment_id is None or not scope.has(HomeworkHabilitation.VIEW):
        return Teaching.objects.none()
    teachings = Teaching.objects.filter(establishment_id=scope.establishment_id)
    if scope.has(HomeworkHabilitation.VIEW_ALL):
        return teachings
    if scope.has(HomeworkHabilitation.WRITE):
        return teachings.filter(teacher_id=scope.user_id)
    return Teaching.objects.none()


def get_readable_teaching(scope: Scope, pk: int) -> Teaching:
    """Return a teaching whose log the person may open, or raise 404."""
    return first_or_404(
        readable_teachings(scope).select_related("subject", "school_class", "teaching_group", "teacher").filter(pk=pk)
    )


def consultable_classes(scope: Scope) -> QuerySet[SchoolClass]:
    """Classes whose log the person may consult (``view_all``), of the current year."""
    if scope.establishment_id is None or not scope.has(HomeworkHabilitation.VIEW_ALL):
        return SchoolClass.objects.none()
    return SchoolClass.objects.filter(establishment_id=scope.establishment_id, school_year__is_current=True)


def get_consultable_class(scope: Scope, pk: int) -> SchoolClass:
    """Return a class whose log the person may consult, or raise 404."""
    return first_or_404(consultable_classes(scope).select_related("level").filter(pk=pk))


def visible_homework(scope: Scope) -> QuerySet[Homework]:
    """Homework of the entries the person may read."""
    return Homework.objects.filter(entry__in=visible_entries(scope).values("pk"))


def get_homework(scope: Scope, pk: int) -> Homework:
    """Return a homework the person may see, or raise 404."""
    return first_or_404(
        visible_homework(scope).select_related("entry", "teaching__subject", "teaching__school_class").filter(pk=pk)
    )


def get_teacher_homework(scope: Scope, pk: int) -> Homework:
    """Homework of one of the teacher's entries (to see who handed in)."""
    return first_or_404(
        Homework.objects.filter(entry__in=writable_entries(scope).values("pk"), pk=pk).select_related(
            "entry", "teaching__subject", "teaching__school_class", "teaching__teaching_group"
        )
    )


def get_attachment(scope: Scope, pk: int) -> LogAttachment:
    """Return a file of an entry the person may read, or raise 404."""
    return first_or_404(
        LogAttachment.objects.filter(
            pk=pk, establishment_id=scope.establishment_id, entry__in=visible_entries(scope).values("pk")
        )
    )


def visible_submissions(scope: Scope) -> QuerySet[Submission]:
    """Work handed in: the teacher's for their homework; a student's own; a parent's child's."""
    if scope.establishment_id is None or not scope.has(HomeworkHabilitation.VIEW):
        return Submission.objects.none()
    allowed = Q(pk__in=[])
    if scope.has(HomeworkHabilitation.WRITE):
        allowed |= Q(homework__entry__in=writable_entries(scope).values("pk"))
    student = homework_student(scope)
    if student is not None:
        allowed |= Q(student_id=student)
    return Submission.objects.filter(allowed, establishment_id=scope.establishment_id)


def get_submission(scope: Scope, pk: int) -> Submission:
    """Return handed-in work the person may download, or raise 404."""
    return first_or_404(visible_submissions(scope).filter(pk=pk))


def get_returnable_submission(scope: Scope, pk: int) -> Submission:
    """A submission the teacher may return feedback on."""
    return first_or_404(
        Submission.objects.filter(
            pk=pk, establishment_id=scope.establishment_id, homework__entry__in=writable_entries(scope).values("pk")
        ).select_related("homework__teaching__subject", "student")
    )


def own_planner(scope: Scope) -> QuerySet[PlannerEntry]:
    """The student's own planner entries (nobody else's, not even a guardian's view)."""
    if not is_student(scope):
        return PlannerEntry.objects.none()
    return PlannerEntry.objects.filter(student_id=scope.user_id, establishment_id=scope.establishment_id)


def get_planner_entry(scope: Scope, pk: int) -> PlannerEntry:
    """Return one of the student's own planner entries, or raise 404."""
    return first_or_404(own_planner(scope).filter(pk=pk))
