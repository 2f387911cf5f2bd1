"""What the homework log adds to the timetable: a block on the session page, marks on the
days of a week, and homework due dates and hand-in deadlines in calendar feeds."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from romsie.core.access.scope import Scope, ScopedRequest
from romsie.timetable.access import student_filter
from romsie.timetable.models import Session
from romsie.timetable.registry import FeedEvent

from . import access
from .habilitations import HomeworkHabilitation
from .models import Homework, LogEntry

FEED_PAST_DAYS = 60


def session_panel(request: ScopedRequest, session: Session) -> tuple[str, dict[str, Any]] | None:
    """The session's log entry (what was done, homework) and, for its teacher, a link to write it."""
    scope = request.scope
    if "homework" not in scope.services or not scope.has(HomeworkHabilitation.VIEW):
        return None
    entry = access.visible_entries(scope).filter(session=session).prefetch_related("homework").first()
    can_write = access.loggable_sessions(scope).filter(pk=session.pk).exists()
    if entry is None and not can_write:
        return None
    return "homework/_session_panel.html", {"entry": entry, "session": session, "can_write": can_write}


def _public() -> Q:
    now = timezone.now()
    return Q(entry__status=LogEntry.Status.PUBLISHED) & (
        Q(entry__publish_at__isnull=True) | Q(entry__publish_at__lte=now)
    )


def week_marker(
    request: ScopedRequest, owner: tuple[str, int], monday: datetime.date
) -> dict[datetime.date, list[str]]:
    """How many homework items are due each day of the week (one query)."""
    scope = request.scope
    if scope.establishment_id is None or "homework" not in scope.services or not scope.has(HomeworkHabilitation.VIEW):
        return {}
    kind, pk = owner
    homework = Homework.objects.filter(
        establishment_id=scope.establishment_id, due_on__gte=monday, due_on__lt=monday + datetime.timedelta(days=7)
    )
    if kind == "student":
        homework = homework.filter(_public(), student_filter(pk, scope.establishment_id))
    elif kind == "teacher":
        homework = homework.filter(teaching__teacher_id=pk, entry__status=LogEntry.Status.PUBLISHED)
    elif kind == "class":
        homework = homework.filter(_public()).filter(
            Q(teaching__school_class_id=pk) | Q(teaching__teaching_group__school_classes=pk)
        )
    else:
        return {}
    counts = homework.values("due_on").annotate(n=Count("pk", distinct=True)).order_by()
    return {
        row["due_on"]: [ngettext("%(n)s homework due", "%(n)s homework due", row["n"]) % {"n": row["n"]}]
        for row in counts
    }


def feed_source(scope: Scope) -> Iterable[FeedEvent]:
    """Homework due dates of the students (all-day events) and the teacher's hand-in deadlines.

    ``scope`` is the feed owner's in one establishment (the timetable calls this only where
    the homework service is on and ``homework.view`` held): their own homework as a student,
    every child's there as a parent, their hand-in deadlines as a teacher. One query.
    UIDs are ``homework-<pk>`` (the feed adds its domain): stable across requests.
    """
    establishment_id, user_id = scope.establishment_id, scope.user_id
    if establishment_id is None or user_id is None:
        return
    students = [user_id] if scope.is_student else []
    if scope.is_parent:
        students += [child.id for child in scope.children]
    wanted = Q(pk__in=[])
    for student_id in students:
        wanted |= _public() & student_filter(student_id, establishment_id)
    if scope.is_teacher:
        wanted |= Q(teaching__teacher_id=user_id, kind=Homework.Kind.HAND_IN, entry__status=LogEntry.Status.PUBLISHED)
    since = timezone.localdate() - datetime.timedelta(days=FEED_PAST_DAYS)
    rows = (
        Homework.objects.filter(wanted, establishment_id=establishment_id, due_on__gte=since)
        .select_related("teaching__subject", "teaching__school_class", "teaching__teaching_group")
        .order_by("due_on", "pk")
        .distinct()
    )
    for homework in rows:
        subject = homework.teaching.subject.name
        if homework.teaching.teacher_id == user_id:
            group = homework.teaching.school_class or homework.teaching.teaching_group
            summary = _("Hand-in deadline: %(subject)s (%(group)s)") % {"subject": subject, "group": group}
        elif homework.is_hand_in:
            summary = _("To hand in: %(subject)s") % {"subject": subject}
        else:
            summary = f"{subject}: {homework.get_kind_display()}"
        yield FeedEvent(
            uid=f"homework-{homework.pk}",
            summary=summary,
            starts=homework.due_on,
            ends=homework.due_on + datetime.timedelta(days=1),
            description=homework.instructions,
        )
