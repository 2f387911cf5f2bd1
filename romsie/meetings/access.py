"""Who sees and who changes what in the parent–teacher meetings.

* Everything is within the current establishment: another establishment's evening, slot or
  appointment answers 404.
* Those holding ``meetings.organise`` (the head) see, open and change every evening of the
  establishment, with every teacher's slots and appointments.
* A teacher (``meetings.host``) sees the evenings of the classes they teach (in a class or a
  group), publishes and removes their own slots there and sees their own appointments.
* A guardian (``meetings.book``) sees the evenings of their children's classes and books, for
  those children only, with those children's teachers only. They see their own appointments;
  another guardian's never.
* An appointment is seen and cancelled by its guardian and its teacher (and the organiser sees
  it in the overview).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.schooling.access import current_class_ids
from romsie.schooling.models import SchoolClass, Teaching, TeachingGroup

from .habilitations import MeetingsHabilitation as H
from .models import Appointment, MeetingEvening, MeetingSlot

_EveningClasses = MeetingEvening.school_classes.through
_EveningLevels = MeetingEvening.levels.through


def concerned_class_ids(evening: MeetingEvening) -> QuerySet[SchoolClass, Any]:
    """The current-year classes an evening concerns (chosen one by one or by their level), as ids."""
    current = SchoolClass.objects.filter(establishment_id=evening.establishment_id, school_year__is_current=True)
    by_class = current.filter(
        pk__in=_EveningClasses.objects.filter(meetingevening_id=evening.pk).values("schoolclass_id")
    )
    by_level = current.filter(
        level_id__in=_EveningLevels.objects.filter(meetingevening_id=evening.pk).values("level_id")
    )
    return by_class.values("pk").order_by().union(by_level.values("pk").order_by())


def concerned_teacher_ids(evening: MeetingEvening, teacher_id: int | None = None) -> QuerySet[Teaching, Any]:
    """The teachers of the classes an evening concerns (in the class itself or in one of its groups).

    With ``teacher_id``, only that teacher, if concerned.
    """
    class_ids = list(concerned_class_ids(evening).values_list("pk", flat=True))
    groups = TeachingGroup.school_classes.through.objects.filter(schoolclass_id__in=class_ids).values(
        "teachinggroup_id"
    )
    by_class = Teaching.objects.filter(establishment_id=evening.establishment_id, school_class_id__in=class_ids)
    by_group = Teaching.objects.filter(establishment_id=evening.establishment_id, teaching_group_id__in=groups)
    if teacher_id is not None:
        by_class, by_group = by_class.filter(teacher_id=teacher_id), by_group.filter(teacher_id=teacher_id)
    return by_class.values("teacher_id").order_by().union(by_group.values("teacher_id").order_by())


def _taught_class_ids(scope: Scope) -> QuerySet[Teaching, Any]:
    """The current-year classes the teacher teaches, in the class or in one of its groups."""
    mine = Teaching.objects.filter(establishment_id=scope.establishment_id, teacher_id=scope.user_id)
    in_class = mine.filter(school_class__school_year__is_current=True).values("school_class_id")
    in_group = TeachingGroup.school_classes.through.objects.filter(
        teachinggroup_id__in=mine.filter(teaching_group__school_year__is_current=True).values("teaching_group_id")
    ).values("schoolclass_id")
    return in_class.order_by().union(in_group.order_by())  # type: ignore[return-value]


def _evenings_of_classes(scope: Scope, class_ids: list[int]) -> QuerySet[MeetingEvening]:
    levels = SchoolClass.objects.filter(pk__in=class_ids).values("level_id")
    ids = (
        _EveningClasses.objects.filter(schoolclass_id__in=class_ids)
        .values("meetingevening_id")
        .order_by()
        .union(_EveningLevels.objects.filter(level_id__in=levels).values("meetingevening_id").order_by())
    )
    return MeetingEvening.objects.filter(establishment_id=scope.establishment_id, pk__in=ids)


def child_ids(scope: Scope) -> list[int]:
    """The children the guardian may book for, in the current establishment."""
    if not scope.has(H.BOOK) or not scope.is_parent:
        return []
    return [child.id for child in scope.children]


def visible_evenings(scope: Scope) -> QuerySet[MeetingEvening]:
    """Evenings the person may see (see the rules at the top)."""
    if scope.establishment_id is None or not scope.has(H.VIEW):
        return MeetingEvening.objects.none()
    if scope.has(H.ORGANISE):
        return MeetingEvening.objects.filter(establishment_id=scope.establishment_id)
    ids: set[int] = set()
    if scope.has(H.HOST):
        taught = list(_taught_class_ids(scope).values_list("school_class_id", flat=True))
        ids |= set(_evenings_of_classes(scope, taught).values_list("pk", flat=True))
    children = child_ids(scope)
    if children:
        classes = list(current_class_ids(scope.establishment_id, children).values_list("school_class_id", flat=True))
        ids |= set(_evenings_of_classes(scope, classes).values_list("pk", flat=True))
    return MeetingEvening.objects.filter(establishment_id=scope.establishment_id, pk__in=ids)


def get_evening(scope: Scope, pk: int) -> MeetingEvening:
    """Return an evening the person may see, or raise 404."""
    return first_or_404(visible_evenings(scope).filter(pk=pk))


def organised_evenings(scope: Scope) -> QuerySet[MeetingEvening]:
    """Evenings the person may change: all of the establishment's, with ``meetings.organise``."""
    if scope.establishment_id is None or not scope.has(H.ORGANISE):
        return MeetingEvening.objects.none()
    return MeetingEvening.objects.filter(establishment_id=scope.establishment_id)


def get_organised_evening(scope: Scope, pk: int) -> MeetingEvening:
    """Return an evening the person organises, or raise 404."""
    return first_or_404(organised_evenings(scope).filter(pk=pk))


def get_hosted_evening(scope: Scope, pk: int) -> MeetingEvening:
    """Return an evening where the teacher may publish slots (one of their classes is concerned), or 404."""
    if not scope.has(H.HOST):
        return first_or_404(MeetingEvening.objects.none())
    evening = get_evening(scope, pk)
    is_concerned = concerned_teacher_ids(evening, scope.user_id).exists()
    return first_or_404(MeetingEvening.objects.filter(pk=evening.pk) if is_concerned else MeetingEvening.objects.none())


def get_bookable_evening(scope: Scope, pk: int) -> MeetingEvening:
    """Return an evening one of the guardian's children is concerned by, or raise 404."""
    if not child_ids(scope):
        return first_or_404(MeetingEvening.objects.none())
    children = child_ids(scope)
    classes = list(current_class_ids(scope.establishment_id, children).values_list("school_class_id", flat=True))
    return first_or_404(_evenings_of_classes(scope, classes).filter(pk=pk))


def own_slots(scope: Scope) -> QuerySet[MeetingSlot]:
    """The teacher's own slots in the current establishment."""
    if scope.establishment_id is None or not scope.has(H.HOST):
        return MeetingSlot.objects.none()
    return MeetingSlot.objects.filter(establishment_id=scope.establishment_id, teacher_id=scope.user_id)


def get_own_slot(scope: Scope, pk: int) -> MeetingSlot:
    """Return one of the teacher's own slots, or raise 404."""
    return first_or_404(own_slots(scope).select_related("evening").filter(pk=pk))


def visible_appointments(scope: Scope) -> QuerySet[Appointment]:
    """Appointments the person takes part in: as the guardian who booked, or as the teacher."""
    if scope.establishment_id is None or not scope.has(H.VIEW):
        return Appointment.objects.none()
    mine = Q(guardian_id=scope.user_id) | Q(teacher_id=scope.user_id)
    return Appointment.objects.filter(mine, establishment_id=scope.establishment_id)


def get_appointment(scope: Scope, pk: int) -> Appointment:
    """Return an appointment the person takes part in, or raise 404."""
    return first_or_404(
        visible_appointments(scope)
        .select_related("slot__room", "evening", "teacher", "guardian", "student")
        .filter(pk=pk)
    )
