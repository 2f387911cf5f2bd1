"""Reads of the directory: searches and lists, with a fixed number of queries."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from romsie.core import versions
from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.core.text import fold
from romsie.identity.models import Role, RoleAssignment, StaffFunction, User
from romsie.identity.selectors import by_name
from romsie.schooling.models import Enrollment, SchoolClass, Teaching

from . import access

ROLE_FILTERS = {
    "student": [Role.STUDENT],
    "parent": [Role.PARENT],
    "teacher": [Role.TEACHER],
    "staff": [Role.STAFF],
}


def _with_roles(scope: Scope, people: QuerySet[User]) -> QuerySet[User]:
    """Prefetch the roles and current classes of each person in the current establishment, by name."""
    return (
        by_name(people)
        .only("pk", "first_name", "last_name", "search_name")
        .prefetch_related(
            Prefetch(
                "role_assignments",
                queryset=RoleAssignment.objects.filter(establishment_id=scope.establishment_id, is_active=True),
                to_attr="local_roles",
            ),
            Prefetch(
                "enrollments",
                queryset=Enrollment.objects.filter(
                    establishment_id=scope.establishment_id, school_class__school_year__is_current=True
                ).select_related("school_class"),
                to_attr="local_enrollments",
            ),
        )
    )


def search_stamp(scope: Scope, *parts: Any) -> tuple[Any, ...]:
    """What a search's results depend on: the establishment's people and classes, and who searches."""
    return (
        *parts,
        scope.user_id,
        sorted(scope.habilitations),
        *versions.stamp(
            versions.key(versions.Kind.PEOPLE, scope.establishment_id),
            versions.key(versions.Kind.STRUCTURE, scope.establishment_id),
            versions.key(versions.Kind.USER, scope.user_id),
        ),
    )


def person_list_for_search(scope: Scope, *, query: str = "", role: str = "") -> QuerySet[User]:
    """Return the visible people whose name contains every word of ``query``."""
    people = access.visible_people(scope)
    for word in fold(query).split():
        people = people.filter(search_name__contains=word)
    if role in ROLE_FILTERS:
        people = people.filter(
            pk__in=RoleAssignment.objects.filter(
                establishment_id=scope.establishment_id, role__in=ROLE_FILTERS[role], is_active=True
            ).values("user_id")
        )
    return _with_roles(scope, people)


def staff_list(scope: Scope) -> QuerySet[User]:
    """Return the teachers and staff of the establishment, as the scope may see them."""
    people = access.visible_people(scope).filter(
        pk__in=RoleAssignment.objects.filter(
            establishment_id=scope.establishment_id, role__in=[Role.TEACHER, Role.STAFF], is_active=True
        ).values("user_id")
    )
    return _with_roles(scope, people)


@dataclass
class ClassList:
    school_class: SchoolClass
    students: list[User]
    teachings: list[Teaching]


def class_list(scope: Scope, class_id: int) -> ClassList:
    """Return a class with its students and teachings (three queries)."""
    school_class = access.get_class_list(scope, class_id)
    students = list(User.objects.filter(enrollments__school_class=school_class, is_active=True).order_by("search_name"))
    teachings = list(
        access.teachings_of_class(scope, school_class)
        .select_related("teacher", "subject", "teaching_group")
        .order_by("subject__name")
    )
    return ClassList(school_class, students, teachings)


def class_lists(scope: Scope) -> QuerySet[SchoolClass]:
    return (
        access.visible_class_lists(scope).select_related("level", "homeroom_teacher").order_by("level__order", "name")
    )


@dataclass
class PersonCard:
    person: User
    roles: list[RoleAssignment]
    classes: list[SchoolClass]
    teachings: list[Teaching]


def person_card(scope: Scope, user_id: int) -> PersonCard:
    """Return what the directory shows about one visible person, or raise 404."""
    person = first_or_404(_with_roles(scope, access.visible_people(scope)).filter(pk=user_id))
    teachings = list(
        Teaching.objects.filter(teacher=person, establishment_id=scope.establishment_id)
        .select_related("subject", "school_class", "teaching_group")
        .order_by("subject__name")
    )
    return PersonCard(
        person=person,
        roles=person.local_roles,  # type: ignore[attr-defined]
        classes=[e.school_class for e in person.local_enrollments],  # type: ignore[attr-defined]
        teachings=teachings,
    )


@dataclass
class MyCard:
    person: User
    role_labels: list[str]
    classes: list[SchoolClass]
    teachings: list[Teaching]


def my_card(scope: Scope, person: User) -> MyCard:
    """Return the signed-in person's own card: no query for what the scope already knows."""
    classes: list[SchoolClass] = []
    teachings: list[Teaching] = []
    if scope.is_student:
        classes = [
            e.school_class
            for e in Enrollment.objects.filter(
                student_id=scope.user_id,
                establishment_id=scope.establishment_id,
                school_class__school_year__is_current=True,
            ).select_related("school_class")
        ]
    if scope.is_teacher:
        teachings = list(
            Teaching.objects.filter(teacher_id=scope.user_id, establishment_id=scope.establishment_id)
            .select_related("subject", "school_class", "teaching_group")
            .order_by("subject__name")
        )
    return MyCard(person=person, role_labels=profile_labels(scope.profiles), classes=classes, teachings=teachings)


def profile_labels(profiles: frozenset[str]) -> list[str]:
    """Return the readable labels of habilitation profiles (``staff.head`` → "Head")."""
    labels = []
    for profile in sorted(profiles):
        role, _, function = profile.partition(".")
        labels.append(str(StaffFunction(function).label if function else Role(role).label))
    return labels
