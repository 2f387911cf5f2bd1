"""Who sees which part of an establishment's structure.

Everything here is filtered on the scope's current establishment: another
establishment's class, group, subject, room or teaching is not found (404).
"""

from django.db.models import QuerySet

from romsie.core.access.scope import Scope

from .models import Enrollment, Room, SchoolClass, SchoolYear, Subject, Teaching, TeachingGroup


def visible_school_years(scope: Scope) -> QuerySet[SchoolYear]:
    """Return the school years of the current establishment."""
    return SchoolYear.objects.filter(establishment_id=scope.establishment_id)


def visible_school_classes(scope: Scope) -> QuerySet[SchoolClass]:
    """Return every class of the current establishment's current school year."""
    return SchoolClass.objects.filter(
        establishment_id=scope.establishment_id, school_year__is_current=True
    ).select_related("level", "homeroom_teacher")


def own_school_classes(scope: Scope) -> QuerySet[SchoolClass]:
    """Return the classes the scope's person is enrolled in (students)."""
    return visible_school_classes(scope).filter(enrollments__student_id=scope.user_id)


def visible_teaching_groups(scope: Scope) -> QuerySet[TeachingGroup]:
    return TeachingGroup.objects.filter(establishment_id=scope.establishment_id, school_year__is_current=True)


def visible_subjects(scope: Scope) -> QuerySet[Subject]:
    return Subject.objects.filter(establishment_id=scope.establishment_id)


def visible_rooms(scope: Scope) -> QuerySet[Room]:
    return Room.objects.filter(establishment_id=scope.establishment_id)


def visible_teachings(scope: Scope) -> QuerySet[Teaching]:
    return Teaching.objects.filter(establishment_id=scope.establishment_id).select_related(
        "teacher", "subject", "school_class", "teaching_group"
    )


def visible_enrollments(scope: Scope) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(establishment_id=scope.establishment_id, school_class__school_year__is_current=True)
