"""Demo parent–teacher meetings: in each collège and lycée, an evening next week for one level.

The level is the showcase student's where the establishment has one (so the showcase parent
can book), else the lowest one. Each teacher of that level's classes publishes slots from
17:00 to 19:30 in a room (every third one takes a break), and a few families have already
booked one meeting each. Everything is written in bulk and bounded per establishment, so it
stays fast at the size of a whole territory.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.utils import timezone

from romsie.establishments.models import Establishment
from romsie.identity.models import Guardianship
from romsie.schooling.models import Enrollment, Room, SchoolClass, Teaching

from .models import Appointment, MeetingEvening, MeetingSlot

SECONDARY = (
    Establishment.Kind.LOWER_SECONDARY,
    Establishment.Kind.UPPER_SECONDARY,
    Establishment.Kind.VOCATIONAL,
    Establishment.Kind.AGRICULTURAL,
)
MAX_TEACHERS = 25
MAX_BOOKED = 12
SLOT_MINUTES = 10
FIRST, LAST = datetime.time(17), datetime.time(19, 30)


def populate(
    establishment_ids: Iterable[int], *, today: datetime.date | None = None, featured_student_ids: Iterable[int] = ()
) -> int:
    """Write the demo evenings of the secondary establishments among these; return the rows created."""
    today = today or timezone.localdate()
    featured = set(featured_student_ids)
    ids = list(
        Establishment.objects.filter(pk__in=list(establishment_ids), kind__in=SECONDARY).values_list("pk", flat=True)
    )
    rows = 0
    for establishment_id in ids:
        rows += _populate_one(establishment_id, today, featured)
    return rows


def _aware(date: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, time))


def _populate_one(establishment_id: int, today: datetime.date, featured: set[int]) -> int:
    classes = list(
        SchoolClass.objects.filter(establishment_id=establishment_id, school_year__is_current=True)
        .select_related("level")
        .order_by("level__order", "name")
    )
    if not classes:
        return 0
    featured_classes = set(
        Enrollment.objects.filter(
            establishment_id=establishment_id, student_id__in=featured, school_class__school_year__is_current=True
        ).values_list("school_class_id", flat=True)
    )
    level = next((c.level for c in classes if c.pk in featured_classes), classes[0].level)
    concerned = [c for c in classes if c.level_id == level.pk]
    date = today + datetime.timedelta(days=7)
    evening = MeetingEvening.objects.create(
        establishment_id=establishment_id,
        title=f"Rencontres parents-professeurs {level.name}",
        date=date,
        starts_at=FIRST,
        ends_at=datetime.time(20),
        slot_minutes=SLOT_MINUTES,
        walking_minutes=5,
        booking_opens_at=timezone.now() - datetime.timedelta(days=1),
        booking_closes_at=_aware(date - datetime.timedelta(days=1), datetime.time(20)),
        message_html="<p>Merci de respecter les horaires : chaque rendez-vous dure 10 minutes.</p>",
    )
    evening.levels.set([level])
    teachings = list(
        Teaching.objects.filter(establishment_id=establishment_id, school_class__in=concerned)
        .order_by("teacher_id")
        .values_list("teacher_id", "school_class_id")
    )
    teachers = sorted({t for t, _c in teachings})[:MAX_TEACHERS]
    rooms = list(Room.objects.filter(establishment_id=establishment_id).order_by("name").values_list("pk", flat=True))
    slots: list[MeetingSlot] = []
    step = datetime.timedelta(minutes=SLOT_MINUTES)
    for index, teacher_id in enumerate(teachers):
        start, end = _aware(date, FIRST), _aware(date, LAST)
        room_id = rooms[index % len(rooms)] if rooms else None
        position = 0
        while start + step <= end:
            slots.append(
                MeetingSlot(
                    establishment_id=establishment_id,
                    evening=evening,
                    teacher_id=teacher_id,
                    starts_at=start,
                    ends_at=start + step,
                    room_id=room_id,
                    is_break=index % 3 == 2 and position == 8,
                )
            )
            start += step
            position += 1
    slots = MeetingSlot.objects.bulk_create(slots)
    free: dict[int, list[MeetingSlot]] = defaultdict(list)
    for slot in slots:
        if not slot.is_break:
            free[slot.teacher_id].append(slot)
    teachers_of: dict[int, list[int]] = defaultdict(list)
    for teacher_id, class_id in teachings:
        if teacher_id in free:
            teachers_of[class_id].append(teacher_id)
    students = list(
        Enrollment.objects.filter(school_class__in=concerned)
        .exclude(student_id__in=featured)
        .order_by("school_class_id", "student_id")
        .values_list("student_id", "school_class_id")[: MAX_BOOKED * 3]
    )
    guardians = dict(
        Guardianship.objects.filter(establishment_id=establishment_id, student_id__in=[s for s, _c in students])
        .order_by("student_id", "rank", "pk")
        .values_list("student_id", "guardian_id")
        .reverse()  # the first guardian of each child wins in the dict
    )
    appointments: list[Appointment] = []
    booked_guardians: set[int] = set()  # one meeting per family: no overlap to work out
    for number, (student_id, class_id) in enumerate(students):
        if len(appointments) >= MAX_BOOKED or student_id not in guardians or not teachers_of[class_id]:
            continue
        if guardians[student_id] in booked_guardians:
            continue
        booked_guardians.add(guardians[student_id])
        teacher_id = teachers_of[class_id][number % len(teachers_of[class_id])]
        if not free[teacher_id]:
            continue
        slot = free[teacher_id].pop(number % len(free[teacher_id]))
        appointments.append(
            Appointment(
                establishment_id=establishment_id,
                evening=evening,
                slot=slot,
                teacher_id=teacher_id,
                guardian_id=guardians[student_id],
                student_id=student_id,
            )
        )
    Appointment.objects.bulk_create(appointments)
    return 1 + len(slots) + len(appointments)
