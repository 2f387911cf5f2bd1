"""Who sees which part of an establishment's structure.

Everything here is filtered on the scope's current establishment: another
establishment's class, group, subject, room or teaching is not found (404).
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from romsie.core.access.scope import Scope
from romsie.identity.models import Role, RoleAssignment, User
from romsie.identity.selectors import BY_NAME

from .models import Enrollment, GroupMembership, Period, Room, SchoolClass, SchoolYear, Subject, Teaching, TeachingGroup


def visible_school_years(scope: Scope) -> QuerySet[SchoolYear]:
    """Return the school years of the current establishment."""
    return SchoolYear.objects.filter(establishment_id=scope.establishment_id)


def visible_school_classes(scope: Scope) -> QuerySet[SchoolClass]:
    """Return every class of the current establishment's current school year."""
    return SchoolClass.objects.filter(
        establishment_id=scope.establishment_id, school_year__is_current=True
    ).select_related("level", "homeroom_teacher")


StudentIds = int | Iterable[int] | QuerySet[Any, Any]
"""One student's id, a list of ids, or a subquery of ids (``.values("student_id")``)."""


def _student_filter(students: StudentIds) -> dict[str, Any]:
    return {"student_id": students} if isinstance(students, int) else {"student_id__in": students}


def current_class_ids(establishment_id: int | None, students: StudentIds) -> QuerySet[Enrollment, Any]:
    """Return the classes of the students in the establishment's current school year, as a subquery.

    This is *the* rule for "a student's current classes": every app (timetable, homework,
    messaging, news) asks here, so last year's class never counts anywhere.
    """
    return Enrollment.objects.filter(
        establishment_id=establishment_id, school_class__school_year__is_current=True, **_student_filter(students)
    ).values("school_class_id")


def current_group_ids(establishment_id: int | None, students: StudentIds) -> QuerySet[GroupMembership, Any]:
    """Return the teaching groups of the students in the current school year, as a subquery.

    The companion of ``current_class_ids``: last year's groups never count.
    """
    return GroupMembership.objects.filter(
        establishment_id=establishment_id, teaching_group__school_year__is_current=True, **_student_filter(students)
    ).values("teaching_group_id")


def current_teaching_ids(establishment_id: int | None, students: StudentIds) -> QuerySet[Teaching, Any]:
    """Return the teachings of the students' current classes and groups, as a subquery of ids.

    A ``UNION`` of two index lookups (by class, by group). Do not write it as
    ``Q(school_class_id__in=...) | Q(teaching_group_id__in=...)``: PostgreSQL cannot use an
    index for an ``OR`` of two subqueries and reads every teaching of the territory.
    """
    by_class = Teaching.objects.filter(
        establishment_id=establishment_id, school_class_id__in=current_class_ids(establishment_id, students)
    )
    by_group = Teaching.objects.filter(
        establishment_id=establishment_id, teaching_group_id__in=current_group_ids(establishment_id, students)
    )
    return by_class.values("pk").order_by().union(by_group.values("pk").order_by())


def visible_teaching_groups(scope: Scope) -> QuerySet[TeachingGroup]:
    """Return the teaching groups of the current establishment's current year."""
    return TeachingGroup.objects.filter(establishment_id=scope.establishment_id, school_year__is_current=True)


def visible_subjects(scope: Scope) -> QuerySet[Subject]:
    """Return the subjects of the current establishment."""
    return Subject.objects.filter(establishment_id=scope.establishment_id)


def visible_rooms(scope: Scope) -> QuerySet[Room]:
    """Return the rooms of the current establishment."""
    return Room.objects.filter(establishment_id=scope.establishment_id)


def visible_teachings(scope: Scope) -> QuerySet[Teaching]:
    """Return the teachings of the current establishment."""
    return Teaching.objects.filter(establishment_id=scope.establishment_id).select_related(
        "teacher", "subject", "school_class", "teaching_group"
    )


def visible_enrollments(scope: Scope) -> QuerySet[Enrollment]:
    """Return the current year's enrollments of the current establishment."""
    return Enrollment.objects.filter(
        establishment_id=scope.establishment_id, school_class__school_year__is_current=True
    )


def visible_periods(scope: Scope) -> QuerySet[Period]:
    """Return the grading periods of the current establishment, every school year."""
    return Period.objects.filter(establishment_id=scope.establishment_id).select_related("school_year")


def current_school_year(scope: Scope) -> SchoolYear | None:
    """Return the current establishment's current school year, if one is marked current."""
    return visible_school_years(scope).filter(is_current=True).first()


def establishment_teachers(scope: Scope) -> QuerySet[User]:
    """Return the people holding an active teacher role in the current establishment."""
    return _members(scope, Role.TEACHER)


def establishment_students(scope: Scope) -> QuerySet[User]:
    """Return the people holding an active student role in the current establishment."""
    return _members(scope, Role.STUDENT)


def _members(scope: Scope, role: str) -> QuerySet[User]:
    holders = RoleAssignment.objects.filter(establishment_id=scope.establishment_id, role=role, is_active=True)
    return User.objects.filter(pk__in=holders.values("user_id")).order_by(*BY_NAME)
