"""Who sees, writes and confirms news; who sees and pins sticky notes.

* A news item is seen by the people it is addressed to, in its establishment only, once it is
  published (not a draft, publication time reached) and until it expires. Establishment news
  reaches the chosen roles (students, parents, teachers, staff) of the establishment; class news
  reaches, among the chosen roles, the classes' students, the guardians of those students and
  the teachers who teach the classes (directly or through a teaching group).
* Holders of ``news.publish`` write to any audience of the establishment and manage every news
  item of it (drafts included), and see who confirmed each must-read notice. Holders of
  ``news.publish_class`` (teachers) write to the classes they teach and manage their own items.
* A must-read notice is confirmed by each recipient for themselves, once.
* A sticky note on a person shows to that person and, for a student, to their guardians (while
  that child is the guardian's current child); a note on a class shows to its students and to
  their guardians per child. Only its author lists and removes it.
* ``news.pin_notes`` pins notes on the classes one teaches and their students;
  ``news.pin_notes_everywhere`` on any class and any student or staff member.
* Anything of another establishment, or not addressed to the person, is not found (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from romsie.core.access.lookup import first_or_404
from romsie.core.access.profiles import Profile
from romsie.core.access.scope import Scope
from romsie.identity.models import Guardianship, Role, RoleAssignment, User
from romsie.identity.selectors import guardian_ids_receiving_mail
from romsie.schooling.access import current_class_ids
from romsie.schooling.models import Enrollment, SchoolClass, Teaching

from .habilitations import NewsHabilitation
from .models import NewsClass, NewsItem, StickyNote

ROLE_FLAGS = {"student": "for_students", "parent": "for_parents", "teacher": "for_teachers", "staff": "for_staff"}


def current_classes(scope: Scope) -> QuerySet[SchoolClass]:
    """Return the classes of the current school year of the scope's establishment."""
    return SchoolClass.objects.filter(establishment_id=scope.establishment_id, school_year__is_current=True)


def taught_classes(scope: Scope) -> QuerySet[SchoolClass]:
    """Return the current classes the scope's person teaches, directly or through a group."""
    return current_classes(scope).filter(
        Q(teachings__teacher_id=scope.user_id) | Q(teaching_groups__teachings__teacher_id=scope.user_id)
    )


def _children(scope: Scope) -> QuerySet[Guardianship, Any]:
    return Guardianship.objects.filter(guardian_id=scope.user_id, establishment_id=scope.establishment_id).values(
        "student_id"
    )


def _reader_filter(scope: Scope) -> Q | None:
    """Return the condition on news items addressed to the scope's person (None: nothing)."""
    if not scope.has(NewsHabilitation.READ):
        return None
    uid = scope.user_id
    conditions: list[Q] = []
    keys = set(scope.profiles & {Profile.STUDENT, Profile.PARENT, Profile.TEACHER})
    if scope.has_staff_profile:
        keys.add("staff")
    for key in sorted(keys):
        conditions.append(Q(is_class_news=False, **{ROLE_FLAGS[key]: True}))
    class_sources = {
        "student": current_class_ids(scope.establishment_id, uid or 0),
        "parent": current_class_ids(scope.establishment_id, _children(scope)),
        "teacher": taught_classes(scope).values("pk"),
    }
    for key, class_ids in class_sources.items():
        if key in keys:
            items = NewsClass.objects.filter(school_class_id__in=class_ids).values("item_id")
            conditions.append(Q(is_class_news=True, pk__in=items, **{ROLE_FLAGS[key]: True}))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def published_filter() -> Q:
    """Return the condition of a news item visible now: published, not a draft, not expired."""
    now = timezone.now()
    return Q(is_draft=False, published_at__lte=now) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def visible_items(scope: Scope) -> QuerySet[NewsItem]:
    """Return the published, unexpired news items addressed to the scope's person."""
    condition = _reader_filter(scope)
    if scope.establishment_id is None or condition is None:
        return NewsItem.objects.none()
    return NewsItem.objects.filter(published_filter(), condition, establishment_id=scope.establishment_id)


def _manager_filter(scope: Scope) -> Q | None:
    if scope.has(NewsHabilitation.PUBLISH):
        # Not an empty Q: it would vanish when or-ed with the reader's condition.
        return Q(establishment_id=scope.establishment_id)
    if scope.has(NewsHabilitation.PUBLISH_CLASS):
        return Q(author_id=scope.user_id)
    return None


def can_write_news(scope: Scope) -> bool:
    """Tell whether the person may write news at all (to the establishment or to classes)."""
    return scope.establishment_id is not None and _manager_filter(scope) is not None


def manageable_items(scope: Scope) -> QuerySet[NewsItem]:
    """Return the items the person may edit, delete and follow (drafts and scheduled included)."""
    condition = _manager_filter(scope)
    if scope.establishment_id is None or condition is None:
        return NewsItem.objects.none()
    return NewsItem.objects.filter(condition, establishment_id=scope.establishment_id)


def get_manageable_item(scope: Scope, pk: int) -> NewsItem:
    """Return one item the person manages, or raise 404."""
    return first_or_404(manageable_items(scope).filter(pk=pk))


def readable_items(scope: Scope) -> QuerySet[NewsItem]:
    """Return the items the person may open: addressed to them and visible, or managed by them.

    Each item carries ``is_addressed``: whether it is visible now and addressed to the person.
    """
    if scope.establishment_id is None:
        return NewsItem.objects.none()
    reader = _reader_filter(scope)
    addressed = (published_filter() & reader) if reader is not None else None
    manager = _manager_filter(scope)
    allowed = [c for c in (addressed, manager) if c is not None]
    if not allowed:
        return NewsItem.objects.none()
    condition = allowed[0] if len(allowed) == 1 else allowed[0] | allowed[1]
    flag = ExpressionWrapper(addressed if addressed is not None else Q(pk__in=[]), output_field=BooleanField())
    return NewsItem.objects.filter(condition, establishment_id=scope.establishment_id).annotate(is_addressed=flag)


def get_confirmable_item(scope: Scope, pk: int) -> NewsItem:
    """Return a visible must-read notice addressed to the person, or raise 404."""
    return first_or_404(visible_items(scope).filter(pk=pk, requires_confirmation=True))


def writable_classes(scope: Scope) -> QuerySet[SchoolClass]:
    """Return the classes the person may address news to."""
    if scope.has(NewsHabilitation.PUBLISH):
        return current_classes(scope)
    if scope.has(NewsHabilitation.PUBLISH_CLASS):
        return taught_classes(scope).distinct()
    return SchoolClass.objects.none()


def recipients(item: NewsItem, *, notified: bool = False) -> QuerySet[User]:
    """Return the active people a news item is addressed to (one query when evaluated).

    ``notified=True`` returns those to notify: the guardians who receive school mail for none
    of the students concerned still read the item but are not notified of it.
    """
    active = RoleAssignment.objects.filter(establishment_id=item.establishment_id, is_active=True)
    roles = {"student": Role.STUDENT, "parent": Role.PARENT, "teacher": Role.TEACHER, "staff": Role.STAFF}
    wanted = [key for key, flag in ROLE_FLAGS.items() if getattr(item, flag)]
    if not item.is_class_news:
        chosen = active.filter(role__in=[roles[k] for k in wanted if not (notified and k == "parent")])
        condition = Q(pk__in=chosen.values("user_id"))
        if notified and "parent" in wanted:
            pupils = active.filter(role=Role.STUDENT).values("user_id")
            guardians = guardian_ids_receiving_mail(establishment_id=item.establishment_id, students=pupils)
            condition |= Q(pk__in=active.filter(role=Role.PARENT, user_id__in=guardians).values("user_id"))
        return User.objects.filter(condition, is_active=True)
    class_ids = NewsClass.objects.filter(item_id=item.pk).values("school_class_id")
    students = Enrollment.objects.filter(school_class_id__in=class_ids).values("student_id")
    sources = {
        "student": students,
        "parent": (
            guardian_ids_receiving_mail(establishment_id=item.establishment_id, students=students)
            if notified
            else Guardianship.objects.filter(establishment_id=item.establishment_id, student_id__in=students).values(
                "guardian_id"
            )
        ),
        "teacher": Teaching.objects.filter(
            Q(school_class_id__in=class_ids) | Q(teaching_group__school_classes__in=class_ids),
            establishment_id=item.establishment_id,
        ).values("teacher_id"),
    }
    condition = Q(pk__in=[])
    for key in wanted:
        if key in sources:
            condition |= Q(pk__in=sources[key]) & Q(pk__in=active.filter(role=roles[key]).values("user_id"))
    return User.objects.filter(condition, is_active=True)


# Sticky notes


def visible_notes(scope: Scope) -> QuerySet[StickyNote]:
    """Return the unexpired notes pinned for the person (or, for a guardian, their current child)."""
    if scope.establishment_id is None or not scope.has(NewsHabilitation.READ):
        return StickyNote.objects.none()
    condition = Q(person_id=scope.user_id)
    if scope.is_student:
        condition |= Q(school_class_id__in=current_class_ids(scope.establishment_id, scope.user_id or 0))
    if scope.is_parent and scope.child is not None:
        condition |= Q(person_id=scope.child.id) | Q(
            school_class_id__in=current_class_ids(scope.establishment_id, scope.child.id)
        )
    now = timezone.now()
    return StickyNote.objects.filter(
        condition, Q(expires_at__isnull=True) | Q(expires_at__gt=now), establishment_id=scope.establishment_id
    )


def authored_notes(scope: Scope) -> QuerySet[StickyNote]:
    """Return the notes the person pinned in the current establishment."""
    if scope.establishment_id is None or not scope.has(NewsHabilitation.PIN_NOTES):
        return StickyNote.objects.none()
    return StickyNote.objects.filter(establishment_id=scope.establishment_id, author_id=scope.user_id)


def get_authored_note(scope: Scope, pk: int) -> StickyNote:
    """Return one of the person's own notes, or raise 404."""
    return first_or_404(authored_notes(scope).filter(pk=pk))


def addressable_classes(scope: Scope) -> QuerySet[SchoolClass]:
    """Return the classes the person may pin a note on."""
    if scope.has(NewsHabilitation.PIN_NOTES_EVERYWHERE):
        return current_classes(scope)
    if scope.has(NewsHabilitation.PIN_NOTES):
        return taught_classes(scope).distinct()
    return SchoolClass.objects.none()


def addressable_people(scope: Scope) -> QuerySet[User]:
    """Return the people the person may pin a note for: students of their classes, or anyone."""
    if scope.establishment_id is None:
        return User.objects.none()
    if scope.has(NewsHabilitation.PIN_NOTES_EVERYWHERE):
        members = RoleAssignment.objects.filter(
            establishment_id=scope.establishment_id,
            is_active=True,
            role__in=[Role.STUDENT, Role.TEACHER, Role.STAFF],
        ).values("user_id")
        return User.objects.filter(is_active=True, pk__in=members)
    if scope.has(NewsHabilitation.PIN_NOTES):
        students = Enrollment.objects.filter(school_class__in=taught_classes(scope)).values("student_id")
        return User.objects.filter(is_active=True, pk__in=students)
    return User.objects.none()
