"""A guardian books several meetings for several children in one go: all or nothing."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.core.errors import ApplicationError
from romsie.core.testing import factories as f
from romsie.core.testing.factories import scope_of
from romsie.identity.models import Role
from romsie.meetings import services
from romsie.meetings.models import Appointment, MeetingSlot
from romsie.notifications.models import Notification

from .builders import appointment_for, slots_for
from .conftest import Family


def _field(student, slot: MeetingSlot) -> str:
    return f"c{student.pk}-t{slot.teacher_id}"


def test_parent_books_three_meetings_for_two_children_in_one_go_and_sees_the_summary(family: Family, client_for):
    a = family.world.a
    client = client_for(a.parent)
    url = reverse("meetings:booking", args=[family.evening.pk])
    page = client.get(url).content.decode()
    assert a.student.get_full_name() in page and a.student2.get_full_name() in page
    data = {
        _field(a.student, family.slots[0]): family.slots[0].pk,  # 17:00 room 101
        _field(a.student, family.slots2[2]): family.slots2[2].pk,  # 17:20 room 202 (walk 5 min: fine)
        _field(a.student2, family.slots2[3]): family.slots2[3].pk,  # 17:30 room 202
    }

    response = client.post(url, data)

    assert response.status_code == 302
    booked = Appointment.objects.filter(guardian=a.parent).order_by("slot__starts_at")
    assert [(x.slot_id, x.student_id) for x in booked] == [
        (family.slots[0].pk, a.student.pk),
        (family.slots2[2].pk, a.student.pk),
        (family.slots2[3].pk, a.student2.pk),
    ]
    page = client.get(url).content.decode()
    assert "Your evening" in page and "3 meetings booked." in page
    assert "10 minutes to reach the next room" in page


def test_overlapping_choices_are_refused_and_nothing_is_booked(family: Family, client_for):
    a = family.world.a
    client = client_for(a.parent)
    url = reverse("meetings:booking", args=[family.evening.pk])
    data = {
        _field(a.student, family.slots[1]): family.slots[1].pk,  # 17:10 teacher
        _field(a.student2, family.slots2[1]): family.slots2[1].pk,  # 17:10 teacher2
    }

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Two of your meetings overlap" in response.content.decode()
    assert not Appointment.objects.exists()


def test_no_walking_time_between_rooms_is_refused(family: Family, client_for):
    a = family.world.a
    url = reverse("meetings:booking", args=[family.evening.pk])
    data = {
        _field(a.student, family.slots[0]): family.slots[0].pk,  # 17:00–17:10 room 101
        _field(a.student2, family.slots2[1]): family.slots2[1].pk,  # 17:10 room 202: no time to walk
    }

    response = client_for(a.parent).post(url, data)

    assert "Leave 5 minutes to walk between rooms" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_new_choice_is_checked_against_the_guardians_existing_meetings(family: Family):
    a = family.world.a
    appointment_for(family.slots[1], a.parent, a.student)  # 17:10–17:20 room 101
    with pytest.raises(ApplicationError, match=r"overlap|walk"):
        services.appointments_book(
            scope=scope_of(a.parent),
            evening=family.evening,
            choices=[services.Choice(slot_id=family.slots2[1].pk, student_id=a.student2.pk)],
        )
    assert Appointment.objects.count() == 1


def test_a_slot_just_taken_is_named_and_nothing_else_is_booked(family: Family, client_for):
    a = family.world.a
    url = reverse("meetings:booking", args=[family.evening.pk])
    client = client_for(a.parent)
    client.get(url)
    neighbour = f.person(a.establishment, Role.STUDENT, username="neighbour.a")
    appointment_for(family.slots2[3], a.parent2, neighbour)  # another family got it meanwhile
    data = {
        _field(a.student, family.slots[0]): family.slots[0].pk,
        _field(a.student2, family.slots2[3]): family.slots2[3].pk,
    }

    response = client.post(url, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone has just booked" in page and family.teacher2.get_full_name() in page
    assert Appointment.objects.filter(guardian=a.parent).count() == 0


def test_booking_for_someone_elses_child_is_refused(family: Family):
    a = family.world.a
    stranger = f.person(a.establishment, Role.STUDENT, username="stranger.a")
    f.EnrollmentFactory(school_class=a.school_class, student=stranger)
    with pytest.raises(ApplicationError, match="your own children"):
        services.appointments_book(
            scope=scope_of(a.parent),
            evening=family.evening,
            choices=[services.Choice(slot_id=family.slots[0].pk, student_id=stranger.pk)],
        )
    assert not Appointment.objects.exists()


def test_a_forged_field_for_someone_elses_child_books_nothing(family: Family, client_for):
    a = family.world.a
    stranger = f.person(a.establishment, Role.STUDENT, username="stranger.a")
    url = reverse("meetings:booking", args=[family.evening.pk])

    response = client_for(a.parent).post(url, {f"c{stranger.pk}-t{a.teacher.pk}": family.slots[0].pk})

    assert response.status_code == 200
    assert "Choose at least one slot" in response.content.decode()
    assert not Appointment.objects.exists()


def test_booking_with_a_teacher_who_does_not_teach_the_child_is_refused(family: Family):
    a = family.world.a
    # teacher (world.a.teacher) teaches 6e A only: not student2's teacher.
    with pytest.raises(ApplicationError, match="child's own teachers"):
        services.appointments_book(
            scope=scope_of(a.parent),
            evening=family.evening,
            choices=[services.Choice(slot_id=family.slots[0].pk, student_id=a.student2.pk)],
        )
    assert not Appointment.objects.exists()


def test_booking_twice_with_the_same_teacher_for_a_child_is_refused(family: Family):
    a = family.world.a
    appointment_for(family.slots[0], a.parent, a.student)
    with pytest.raises(ApplicationError, match="already have a meeting"):
        services.appointments_book(
            scope=scope_of(a.parent),
            evening=family.evening,
            choices=[services.Choice(slot_id=family.slots[3].pk, student_id=a.student.pk)],
        )
    assert Appointment.objects.count() == 1


def test_booking_outside_the_booking_window_is_refused(family: Family):
    a = family.world.a
    evening = family.evening
    evening.booking_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    evening.booking_opens_at = evening.booking_closes_at - datetime.timedelta(days=3)
    evening.save()
    with pytest.raises(ApplicationError, match="closed"):
        services.appointments_book(
            scope=scope_of(a.parent),
            evening=evening,
            choices=[services.Choice(slot_id=family.slots[0].pk, student_id=a.student.pk)],
        )
    assert not Appointment.objects.exists()


def test_a_parent_of_another_class_cannot_open_the_evening(family: Family, client_for):
    w = family.world
    other = f.SchoolClassFactory(establishment=w.a.establishment, name="5e C a", code="5Ca")
    evening = family.evening
    evening.school_classes.set([other])
    assert client_for(w.a.parent).get(reverse("meetings:booking", args=[evening.pk])).status_code == 404


def test_guardian_cancels_the_slot_is_free_and_the_teacher_is_told(
    family: Family, client_for, django_capture_on_commit_callbacks
):
    a = family.world.a
    appointment = appointment_for(family.slots[0], a.parent, a.student)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(a.parent).post(reverse("meetings:appointment-cancel", args=[appointment.pk]))

    assert response.status_code == 302
    assert not Appointment.objects.exists()
    note = Notification.objects.get(kind="meetings.cancelled")
    assert note.recipient_id == a.teacher.pk


def test_teacher_cancels_and_the_guardian_is_told(family: Family, client_for, django_capture_on_commit_callbacks):
    a = family.world.a
    appointment = appointment_for(family.slots[0], a.parent, a.student)
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(scope=scope_of(a.teacher), appointment=appointment)
    assert Notification.objects.get(kind="meetings.cancelled").recipient_id == a.parent.pk
    assert MeetingSlot.objects.filter(pk=family.slots[0].pk, appointment__isnull=True).exists()


def test_another_guardian_cannot_cancel(family: Family, client_for):
    a = family.world.a
    appointment = appointment_for(family.slots[0], a.parent, a.student)
    response = client_for(a.parent2).post(reverse("meetings:appointment-cancel", args=[appointment.pk]))
    assert response.status_code == 404
    assert Appointment.objects.count() == 1


def test_booking_page_costs_the_same_queries_with_one_and_fifty_slots(
    family: Family, client_for, django_assert_num_queries
):
    a = family.world.a
    url = reverse("meetings:booking", args=[family.evening.pk])
    client = client_for(a.parent)
    client.get(url)
    with django_assert_num_queries(QUERIES_BOOKING):
        client.get(url)
    slots_for(family.evening, family.teacher2, start=datetime.time(18), count=46, minutes=2)
    for index in range(5):
        teacher = f.person(a.establishment, Role.TEACHER, username=f"extra{index}.a")
        f.TeachingFactory(school_class=a.school_class, teacher=teacher, subject=a.subject)
        slots_for(family.evening, teacher, start=datetime.time(19), count=2)
    with django_assert_num_queries(QUERIES_BOOKING):
        client.get(url)


QUERIES_BOOKING = 11
