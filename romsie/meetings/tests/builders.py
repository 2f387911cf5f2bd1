"""Meetings objects for tests: an evening for a class, a teacher's slots, appointments."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from romsie.core.testing import factories as f
from romsie.core.testing.world import EstablishmentWorld, World
from romsie.identity.models import Role, User
from romsie.meetings.models import Appointment, MeetingEvening, MeetingSlot
from romsie.schooling.models import Room, SchoolClass

SERVICES = ["directory", "timetable", "meetings"]


def enable(*worlds: EstablishmentWorld) -> None:
    """Switch the meetings service on in these establishments."""
    for ew in worlds:
        ew.establishment.enabled_services = SERVICES
        ew.establishment.save(update_fields=["enabled_services"])


def evening_for(
    ew: EstablishmentWorld,
    *classes: SchoolClass,
    days_ahead: int = 7,
    walking_minutes: int = 5,
    is_open: bool = True,
) -> MeetingEvening:
    """An evening of 17:00–20:00 a week ahead for the classes (the world's class by default), booking open."""
    now = timezone.now()
    evening = MeetingEvening.objects.create(
        establishment=ew.establishment,
        title="Rencontres parents-professeurs",
        date=timezone.localdate() + datetime.timedelta(days=days_ahead),
        starts_at=datetime.time(17),
        ends_at=datetime.time(20),
        slot_minutes=10,
        walking_minutes=walking_minutes,
        booking_opens_at=now - datetime.timedelta(days=1) if is_open else now + datetime.timedelta(days=1),
        booking_closes_at=now + datetime.timedelta(days=days_ahead - 1)
        if days_ahead > 1
        else now + datetime.timedelta(hours=1),
    )
    evening.school_classes.set(classes or [ew.school_class])
    return evening


def slots_for(
    evening: MeetingEvening,
    teacher: User,
    *,
    start: datetime.time = datetime.time(17),
    count: int = 4,
    minutes: int = 10,
    room: Room | None = None,
) -> list[MeetingSlot]:
    """``count`` consecutive slots of ``minutes`` from ``start`` for the teacher, in one room."""
    first = timezone.make_aware(datetime.datetime.combine(evening.date, start))
    step = datetime.timedelta(minutes=minutes)
    return MeetingSlot.objects.bulk_create(
        MeetingSlot(
            establishment_id=evening.establishment_id,
            evening=evening,
            teacher=teacher,
            starts_at=first + i * step,
            ends_at=first + (i + 1) * step,
            room=room,
        )
        for i in range(count)
    )


def appointment_for(slot: MeetingSlot, guardian: User, student: User) -> Appointment:
    return Appointment.objects.create(
        establishment_id=slot.establishment_id,
        evening=slot.evening,
        slot=slot,
        teacher_id=slot.teacher_id,
        guardian=guardian,
        student=student,
    )


def objects(ew: EstablishmentWorld) -> dict[str, Any]:
    """One of everything in the establishment (built once per world), for the permission matrix."""
    cached: dict[str, Any] | None = ew.__dict__.get("meetings_objects")
    if cached is not None:
        return cached
    enable(ew)
    evening = evening_for(ew)
    slots = slots_for(evening, ew.teacher, room=ew.room)
    appointment = appointment_for(slots[0], ew.parent, ew.student)
    # A second teacher of the class with a free slot: what the parent may still book.
    other = f.person(ew.establishment, Role.TEACHER, username=f"host.{ew.establishment.pk}", last_name="Hôte")
    f.TeachingFactory(school_class=ew.school_class, teacher=other, subject=ew.subject)
    bookable = slots_for(evening, other, count=1, start=datetime.time(18))[0]
    built = {"evening": evening, "free_slot": slots[2], "appointment": appointment, "bookable": bookable}
    ew.__dict__["meetings_objects"] = built
    return built


@dataclass
class Family:
    """Parent ``a.parent`` with two children (``a.student`` in 6e A, ``a.student2`` in 6e B);
    ``teacher`` teaches the first, ``teacher2`` both; each has four slots in their own room."""

    world: World
    evening: MeetingEvening
    teacher2: User
    room2: Room
    slots: list[MeetingSlot]
    slots2: list[MeetingSlot]


def build_family(world: World) -> Family:
    """The world with the service on and a family of two children, each with their teachers' slots."""
    a = world.a
    enable(a, world.b, world.c)
    assert a.class2 is not None and a.student2 is not None
    f.GuardianshipFactory(establishment=a.establishment, guardian=a.parent, student=a.student2)
    teacher2 = f.person(a.establishment, Role.TEACHER, username="teacher2.a", first_name="Claire", last_name="Durand")
    english = f.SubjectFactory(establishment=a.establishment, code="ANGa", name="Anglais")
    f.TeachingFactory(school_class=a.school_class, teacher=teacher2, subject=english)
    f.TeachingFactory(school_class=a.class2, teacher=teacher2, subject=english)
    room2 = f.RoomFactory(establishment=a.establishment, name="Salle 202 a")
    evening = evening_for(a, a.school_class, a.class2)
    slots = slots_for(evening, a.teacher, room=a.room)
    slots2 = slots_for(evening, teacher2, room=room2)
    return Family(world, evening, teacher2, room2, slots, slots2)
