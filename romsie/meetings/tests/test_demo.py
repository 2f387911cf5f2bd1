"""The demo evenings: one per secondary establishment, slots published, a few meetings booked."""

from __future__ import annotations

from romsie.meetings import demo
from romsie.meetings.models import Appointment, MeetingEvening, MeetingSlot


def test_demo_opens_an_evening_in_each_college_with_slots_and_meetings(world):
    w = world
    rows = demo.populate([w.a.establishment.pk, w.b.establishment.pk, w.c.establishment.pk])
    evenings = MeetingEvening.objects.order_by("establishment_id")
    # b is an elementary school: no evening there.
    assert [e.establishment_id for e in evenings] == sorted([w.a.establishment.pk, w.c.establishment.pk])
    assert list(evenings[0].levels.all()) == [w.a.school_class.level]
    slots = MeetingSlot.objects.filter(evening=evenings[0])
    assert slots.filter(teacher=w.a.teacher).count() == 15
    booked = Appointment.objects.get(establishment=w.a.establishment)
    assert (booked.student_id, booked.guardian_id, booked.teacher_id) == (w.a.student.pk, w.a.parent.pk, w.a.teacher.pk)
    assert rows == 2 * (1 + 15 + 1)


def test_demo_leaves_the_showcase_students_meetings_to_book(world):
    demo.populate([world.a.establishment.pk], featured_student_ids=[world.a.student.pk])
    assert not Appointment.objects.exists()
