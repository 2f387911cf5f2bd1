"""Who sees which sessions.

* Everything is within the current establishment; another establishment's class, room,
  lesson or session answers 404.
* A student sees the sessions of their classes and teaching groups of the current year.
* A parent sees those of the child chosen in the header (one child at a time).
* A teacher sees their own sessions (planned or as a substitute).
* Teachers and staff holding ``timetable.view_all`` see any class's, teacher's or room's week.
* Those holding ``timetable.manage`` edit the calendar and lessons and record changes.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.schooling.access import current_teaching_ids
from romsie.schooling.models import Room, SchoolClass

from .habilitations import TimetableHabilitation
from .models import DayOff, Lesson, SchoolWeek, Session


def _establishment_sessions(scope: Scope) -> QuerySet[Session]:
    """Every session of the current establishment (nothing without one)."""
    if scope.establishment_id is None:
        return Session.objects.none()
    return Session.objects.filter(establishment_id=scope.establishment_id)


def student_filter(student_id: int, establishment_id: int) -> Q:
    """Sessions of the student's classes and groups of the current year, as a filter."""
    return Q(teaching_id__in=current_teaching_ids(establishment_id, student_id))


def class_filter(school_class: SchoolClass) -> Q:
    """Sessions of the class and of the groups its students are taught in."""
    return Q(teaching__school_class=school_class) | Q(teaching__teaching_group__school_classes=school_class)


def timetable_owner(scope: Scope) -> tuple[str, int] | None:
    """Whose own timetable the person sees: ``("student", id)``, ``("teacher", id)`` or None."""
    if scope.user_id is None or scope.establishment_id is None:
        return None
    if scope.is_student:
        return ("student", scope.user_id)
    if scope.is_parent and scope.child is not None:
        return ("student", scope.child.id)
    if scope.is_teacher:
        return ("teacher", scope.user_id)
    return None


def own_sessions(scope: Scope) -> QuerySet[Session]:
    """The sessions of the person's own timetable (a parent: the current child's)."""
    owner = timetable_owner(scope)
    if owner is None or not scope.has(TimetableHabilitation.VIEW):
        return Session.objects.none()
    kind, pk = owner
    sessions = _establishment_sessions(scope)
    if kind == "student":
        return sessions.filter(student_filter(pk, scope.establishment_id))  # type: ignore[arg-type]
    return sessions.filter(Q(teacher_id=pk) | Q(planned_teacher_id=pk))


def feed_sessions(scope: Scope) -> QuerySet[Session]:
    """The sessions of the person's calendar feed in the scope's establishment.

    Their own (as a student, as a teacher) and, as a parent, every child's there, all with
    ``timetable.view``; the feed checks the service is on.
    """
    if scope.user_id is None or scope.establishment_id is None or not scope.has(TimetableHabilitation.VIEW):
        return Session.objects.none()
    condition = Q(pk__in=[])
    if scope.is_student:
        condition |= student_filter(scope.user_id, scope.establishment_id)
    if scope.is_teacher:
        condition |= Q(teacher_id=scope.user_id) | Q(planned_teacher_id=scope.user_id)
    if scope.is_parent:
        for child in scope.children:
            condition |= student_filter(child.id, scope.establishment_id)
    return _establishment_sessions(scope).filter(condition)


def visible_sessions(scope: Scope) -> QuerySet[Session]:
    """Every session the person may open: their own, or all with ``view_all``."""
    if scope.has(TimetableHabilitation.VIEW_ALL) or scope.has(TimetableHabilitation.MANAGE):
        return _establishment_sessions(scope)
    return own_sessions(scope)


def get_session(scope: Scope, pk: int) -> Session:
    """Return a session the person may open, or 404."""
    return first_or_404(visible_sessions(scope).select_related("teaching__subject", "teacher", "room").filter(pk=pk))


def manageable_sessions(scope: Scope) -> QuerySet[Session]:
    """Sessions the person may change (``timetable.manage``)."""
    if not scope.has(TimetableHabilitation.MANAGE):
        return Session.objects.none()
    return _establishment_sessions(scope)


def get_manageable_session(scope: Scope, pk: int) -> Session:
    """Return a session the person may change, or 404."""
    return first_or_404(manageable_sessions(scope).select_related("teaching__subject", "teacher", "room").filter(pk=pk))


def viewable_classes(scope: Scope) -> QuerySet[SchoolClass]:
    """Classes whose week the person may open (``view_all``), of the current year."""
    if scope.establishment_id is None or not scope.has(TimetableHabilitation.VIEW_ALL):
        return SchoolClass.objects.none()
    return SchoolClass.objects.filter(establishment_id=scope.establishment_id, school_year__is_current=True)


def viewable_rooms(scope: Scope) -> QuerySet[Room]:
    """Rooms whose week the person may open (``view_all``)."""
    if scope.establishment_id is None or not scope.has(TimetableHabilitation.VIEW_ALL):
        return Room.objects.none()
    return Room.objects.filter(establishment_id=scope.establishment_id)


def get_class(scope: Scope, pk: int) -> SchoolClass:
    """Return a class whose week the person may open, or 404."""
    return first_or_404(viewable_classes(scope).filter(pk=pk))


def get_room(scope: Scope, pk: int) -> Room:
    """Return a room whose week the person may open, or 404."""
    return first_or_404(viewable_rooms(scope).filter(pk=pk))


def manageable_lessons(scope: Scope) -> QuerySet[Lesson]:
    """The current year's running lessons, for those who manage the timetable."""
    if scope.establishment_id is None or not scope.has(TimetableHabilitation.MANAGE):
        return Lesson.objects.none()
    return Lesson.objects.filter(
        establishment_id=scope.establishment_id, school_year__is_current=True, until__isnull=True
    )


def get_manageable_lesson(scope: Scope, pk: int) -> Lesson:
    """Return a lesson the person may change, or 404."""
    return first_or_404(manageable_lessons(scope).filter(pk=pk))


def manageable_days_off(scope: Scope) -> QuerySet[DayOff]:
    """The current year's days off, for those who manage the timetable."""
    if scope.establishment_id is None or not scope.has(TimetableHabilitation.MANAGE):
        return DayOff.objects.none()
    return DayOff.objects.filter(establishment_id=scope.establishment_id, school_year__is_current=True)


def get_manageable_day_off(scope: Scope, pk: int) -> DayOff:
    """Return a day off the person may change, or 404."""
    return first_or_404(manageable_days_off(scope).filter(pk=pk))


def manageable_weeks(scope: Scope) -> QuerySet[SchoolWeek]:
    """The current year's A/B weeks, for those who manage the timetable."""
    if scope.establishment_id is None or not scope.has(TimetableHabilitation.MANAGE):
        return SchoolWeek.objects.none()
    return SchoolWeek.objects.filter(establishment_id=scope.establishment_id, school_year__is_current=True)


def get_manageable_week(scope: Scope, pk: int) -> SchoolWeek:
    """Return a week the person may relabel, or 404."""
    return first_or_404(manageable_weeks(scope).select_related("school_year").filter(pk=pk))
