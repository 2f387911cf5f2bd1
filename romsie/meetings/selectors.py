"""Reads of the parent–teacher meetings; each starts from ``access`` and costs a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.identity.models import User
from romsie.identity.selectors import by_name
from romsie.schooling.models import Enrollment, GroupMembership, Room, SchoolClass, Teaching

from . import access
from .models import Appointment, MeetingEvening, MeetingSlot


def evening_list_stamp(scope: Scope) -> tuple[Any, ...]:
    """What the list of evenings depends on: the establishment's evenings, slots and appointments
    (one version), its classes and teachings, and the person's rights and children."""
    keys = [
        versions.key(versions.Kind.MEETINGS, scope.establishment_id),
        versions.key(versions.Kind.STRUCTURE, scope.establishment_id),
    ]
    rights = tuple(sorted(h for h in scope.habilitations if h.startswith("meetings.")))
    return (rights, tuple(sorted(c.id for c in scope.children)), *versions.stamp(*keys))


def evening_list_for_person(scope: Scope) -> QuerySet[MeetingEvening]:
    """The evenings the person may see, the next first."""
    return access.visible_evenings(scope).order_by("-date", "-pk")


@dataclass
class TeacherRow:
    """One teacher's line of an evening's overview: their slots in order, with the appointments."""

    teacher: User
    slots: list[MeetingSlot] = field(default_factory=list)

    @property
    def published(self) -> int:
        return sum(1 for s in self.slots if not s.is_break)

    @property
    def booked(self) -> int:
        return sum(1 for s in self.slots if _appointment(s) is not None)


def _appointment(slot: MeetingSlot) -> Appointment | None:
    try:
        return slot.appointment
    except Appointment.DoesNotExist:
        return None


def _slots(evening: MeetingEvening) -> QuerySet[MeetingSlot]:
    return (
        MeetingSlot.objects.filter(evening=evening)
        .select_related("room", "teacher", "appointment__student", "appointment__guardian")
        .order_by("starts_at", "pk")
    )


def evening_overview(evening: MeetingEvening) -> list[TeacherRow]:
    """Every concerned teacher (and anyone with slots) with their slots: three queries whatever the size."""
    slots = list(_slots(evening))
    ids = set(access.concerned_teacher_ids(evening).values_list("teacher_id", flat=True))
    teachers = by_name(User.objects.filter(pk__in=ids | {s.teacher_id for s in slots}))
    rows = {t.pk: TeacherRow(t) for t in teachers}
    for slot in slots:
        rows[slot.teacher_id].slots.append(slot)
    return list(rows.values())


def slot_counts(rows: list[TeacherRow]) -> dict[str, int]:
    """Totals of an overview: teachers, teachers with slots, slots published and booked."""
    return {
        "teachers": len(rows),
        "hosting": sum(1 for r in rows if r.published),
        "published": sum(r.published for r in rows),
        "booked": sum(r.booked for r in rows),
    }


def own_slots_of_evening(scope: Scope, evening: MeetingEvening) -> list[MeetingSlot]:
    """The teacher's slots of the evening, with their appointments (one query)."""
    return list(
        access.own_slots(scope)
        .filter(evening=evening)
        .select_related("room", "appointment__student", "appointment__guardian")
        .order_by("starts_at", "pk")
    )


def class_names(student_ids: list[int]) -> dict[int, str]:
    """The current class of each student, by id (one query)."""
    names: dict[int, str] = {}
    for student_id, name in Enrollment.objects.filter(
        student_id__in=student_ids, school_class__school_year__is_current=True
    ).values_list("student_id", "school_class__name"):
        names.setdefault(student_id, name)
    return names


def teacher_day(scope: Scope, evening: MeetingEvening) -> list[dict[str, Any]]:
    """The teacher's printable day: each slot with its child, class and guardian (two queries)."""
    slots = own_slots_of_evening(scope, evening)
    booked = [a for s in slots if (a := _appointment(s)) is not None]
    classes = class_names([a.student_id for a in booked])
    return [
        {
            "slot": s,
            "appointment": (a := _appointment(s)),
            "class_name": classes.get(a.student_id, "") if a else "",
        }
        for s in slots
    ]


def rooms(scope: Scope) -> QuerySet[Room]:
    """The rooms of the establishment, to choose where one receives."""
    return Room.objects.filter(establishment_id=scope.establishment_id).order_by("name")


@dataclass
class TeacherChoice:
    """A teacher of a child on the booking page: the subjects, the slots, the meeting already booked."""

    teacher: User
    subjects: list[str]
    slots: list[MeetingSlot]
    booked: Appointment | None = None
    chosen: int | None = None  # the slot ticked in a form sent back with an error

    def field_name(self, student_id: int) -> str:
        return f"c{student_id}-t{self.teacher.pk}"


@dataclass
class ChildChoice:
    """A child on the booking page with their class and teachers."""

    child: User
    class_name: str
    teachers: list[TeacherChoice]


def booking_page(scope: Scope, evening: MeetingEvening) -> list[ChildChoice]:
    """Per child concerned, per teacher with slots, the slots (free or not): seven queries, whatever the size."""
    children = access.child_ids(scope)
    concerned = set(access.concerned_class_ids(evening).values_list("pk", flat=True))
    classes_of: dict[int, list[SchoolClass]] = defaultdict(list)
    students: dict[int, User] = {}
    for enrollment in Enrollment.objects.filter(
        student_id__in=children, school_class__school_year__is_current=True
    ).select_related("school_class", "student"):
        classes_of[enrollment.student_id].append(enrollment.school_class)
        students[enrollment.student_id] = enrollment.student
    groups_of: dict[int, set[int]] = defaultdict(set)
    for student_id, group_id in GroupMembership.objects.filter(
        student_id__in=children, teaching_group__school_year__is_current=True
    ).values_list("student_id", "teaching_group_id"):
        groups_of[student_id].add(group_id)
    class_ids = {c.pk for cs in classes_of.values() for c in cs}
    group_ids = {g for gs in groups_of.values() for g in gs}
    teachings = list(
        Teaching.objects.filter(
            Q(school_class_id__in=class_ids) | Q(teaching_group_id__in=group_ids),
            establishment_id=evening.establishment_id,
        ).select_related("subject")
    )
    slots_by_teacher: dict[int, list[MeetingSlot]] = defaultdict(list)
    teachers: dict[int, User] = {}
    for slot in MeetingSlot.objects.filter(evening=evening, is_break=False).select_related(
        "room", "teacher", "appointment"
    ):
        slots_by_teacher[slot.teacher_id].append(slot)
        teachers[slot.teacher_id] = slot.teacher
    booked = {
        (a.student_id, a.teacher_id): a
        for a in Appointment.objects.filter(evening=evening, student_id__in=children).select_related("slot__room")
    }
    result = []
    for child_id in children:
        child_classes = [c for c in classes_of.get(child_id, []) if c.pk in concerned]
        if not child_classes or child_id not in students:
            continue
        own_classes = {c.pk for c in classes_of[child_id]}
        subjects: dict[int, list[str]] = defaultdict(list)
        for t in teachings:
            taught = t.school_class_id in own_classes or t.teaching_group_id in groups_of[child_id]
            if taught and t.subject.name not in subjects[t.teacher_id]:
                subjects[t.teacher_id].append(t.subject.name)
        choices = [
            TeacherChoice(teachers[tid], sorted(names), slots_by_teacher[tid], booked.get((child_id, tid)))
            for tid, names in subjects.items()
            if tid in teachers
        ]
        choices.sort(key=lambda c: (c.teacher.last_name, c.teacher.first_name))
        result.append(ChildChoice(students[child_id], child_classes[0].name, choices))
    result.sort(key=lambda c: c.child.first_name)
    return result


def guardian_evening(scope: Scope, evening: MeetingEvening) -> list[dict[str, Any]]:
    """ "Your evening": the guardian's appointments in order, with the time to walk to the next room."""
    appointments = list(
        Appointment.objects.filter(evening=evening, guardian_id=scope.user_id, establishment_id=scope.establishment_id)
        .select_related("slot__room", "teacher", "student")
        .order_by("slot__starts_at")
    )
    rows = []
    for index, appointment in enumerate(appointments):
        following = appointments[index + 1] if index + 1 < len(appointments) else None
        gap = None
        if following is not None:
            gap = int((following.slot.starts_at - appointment.slot.ends_at) / datetime.timedelta(minutes=1))
        rows.append(
            {
                "appointment": appointment,
                "gap_minutes": gap,
                "room_changes": following is not None and following.slot.room_id != appointment.slot.room_id,
            }
        )
    return rows


def my_appointments(scope: Scope, *, since: datetime.datetime) -> list[Appointment]:
    """The person's appointments to come (as a guardian or a teacher), in order."""
    return list(
        access.visible_appointments(scope)
        .filter(slot__ends_at__gte=since)
        .select_related("slot__room", "evening", "teacher", "guardian", "student")
        .order_by("slot__starts_at")
    )


def evening_stats(evenings: QuerySet[MeetingEvening]) -> QuerySet[MeetingEvening]:
    """The evenings with their numbers of slots and appointments."""
    return evenings.annotate(
        slot_count=Count("slots", filter=Q(slots__is_break=False), distinct=True),
        appointment_count=Count("appointments", distinct=True),
    )
