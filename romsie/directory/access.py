"""Who finds whom in the directory.

* Staff and teachers (``directory.view_everyone``) find everyone who holds an active
  role in the current establishment.
* A student finds their classmates, the teachers and the staff: never other families.
* A parent finds their children, their children's teachers and the staff.
* Nobody finds anyone of another establishment: such a person card is a 404.
"""

from typing import Any

from django.db.models import Q, QuerySet

from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.identity.models import Guardianship, Role, RoleAssignment, User
from romsie.schooling.access import current_class_ids
from romsie.schooling.models import Enrollment, SchoolClass, Teaching

from .habilitations import DirectoryHabilitation


def _members(scope: Scope, roles: list[str] | None = None) -> QuerySet[RoleAssignment]:
    qs = RoleAssignment.objects.filter(establishment_id=scope.establishment_id, is_active=True)
    return qs.filter(role__in=roles) if roles else qs


def visible_people(scope: Scope) -> QuerySet[User]:
    """Return the people the scope may find in the directory.

    The people allowed are gathered first as one small set of ids (a ``UNION`` of the
    establishment's members, one's classmates, one's children), then looked up by primary
    key: ``id IN (a) OR id IN (b)`` made PostgreSQL read every account of the territory
    (300,000 at a région's size) to test each one against both sets.
    """
    if scope.establishment_id is None or not scope.has(DirectoryHabilitation.SEARCH):
        return User.objects.none()
    if scope.has(DirectoryHabilitation.VIEW_EVERYONE):
        allowed: QuerySet[Any, Any] = _members(scope).values("user_id")
    else:
        allowed = _members(scope, [Role.TEACHER, Role.STAFF]).values("user_id").order_by()
        if scope.is_student and scope.user_id is not None:
            classmates = Enrollment.objects.filter(
                school_class_id__in=current_class_ids(scope.establishment_id, scope.user_id)
            ).values("student_id")
            allowed = allowed.union(classmates.order_by())
        if scope.is_parent:
            children = Guardianship.objects.filter(
                guardian_id=scope.user_id, establishment_id=scope.establishment_id
            ).values("student_id")
            allowed = allowed.union(children.order_by())
    return User.objects.filter(pk__in=allowed, is_active=True)


def get_person(scope: Scope, user_id: int) -> User:
    """Return one person the scope may see, or raise 404."""
    return first_or_404(visible_people(scope).filter(pk=user_id))


def visible_class_lists(scope: Scope) -> QuerySet[SchoolClass]:
    """Return the classes whose list the scope may see: all for staff, one's own for students."""
    qs = SchoolClass.objects.filter(establishment_id=scope.establishment_id, school_year__is_current=True)
    if scope.has(DirectoryHabilitation.VIEW_CLASS_LISTS):
        return qs
    if scope.is_student and scope.has(DirectoryHabilitation.SEARCH):
        return qs.filter(enrollments__student_id=scope.user_id)
    return qs.none()


def get_class_list(scope: Scope, class_id: int) -> SchoolClass:
    """Return one class whose list the scope may see, or raise 404."""
    return first_or_404(visible_class_lists(scope).select_related("level", "homeroom_teacher").filter(pk=class_id))


def teachings_of_class(scope: Scope, school_class: SchoolClass) -> QuerySet[Teaching]:
    """Return the teachings given to a class (or to groups drawn from it)."""
    return Teaching.objects.filter(
        Q(school_class=school_class) | Q(teaching_group__school_classes=school_class),
        establishment_id=scope.establishment_id,
    ).distinct()
