"""The head opens an evening; teachers publish their slots and print their day."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from romsie.core import versions
from romsie.core.testing import factories as f
from romsie.core.testing.factories import scope_of
from romsie.identity.models import Role
from romsie.meetings import feeds, services
from romsie.meetings.models import Appointment, MeetingEvening, MeetingSlot
from romsie.notifications.models import Notification

from .builders import appointment_for, enable, evening_for, slots_for
from .conftest import Family


def _evening_post(w, **changes):
    next_week = timezone.localdate() + datetime.timedelta(days=7)
    data = {
        "title": "Rencontres 6e",
        "date": next_week.isoformat(),
        "starts_at": "17:00",
        "ends_at": "20:00",
        "slot_minutes": "10",
        "walking_minutes": "5",
        "audience": [f"class:{w.a.school_class.pk}"],
        "booking_opens_at": f"{timezone.localdate().isoformat()}T08:00",
        "booking_closes_at": f"{(next_week - datetime.timedelta(days=1)).isoformat()}T20:00",
    }
    data.update(changes)
    return data


def test_head_opens_an_evening_for_a_class(world, client_for):
    enable(world.a)
    response = client_for(world.a.head).post(reverse("meetings:evening-create"), _evening_post(world))
    assert response.status_code == 302
    evening = MeetingEvening.objects.get()
    assert list(evening.school_classes.all()) == [world.a.school_class]
    assert evening.establishment_id == world.a.establishment.pk


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_at": "16:00"}, "The evening must end after it starts."),
        ({"date": (datetime.date.today() + datetime.timedelta(days=3 * 365)).isoformat()}, "at most a year ahead"),
        ({"audience": ["class:999999"]}, "cannot be chosen"),
    ],
)
def test_a_bad_evening_is_refused_and_nothing_is_saved(world, client_for, changes, message):
    enable(world.a)
    response = client_for(world.a.head).post(reverse("meetings:evening-create"), _evening_post(world, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MeetingEvening.objects.exists()


def test_another_establishments_class_cannot_be_chosen(world, client_for):
    enable(world.a)
    data = _evening_post(world, audience=[f"class:{world.c.school_class.pk}"])
    response = client_for(world.a.head).post(reverse("meetings:evening-create"), data)
    assert response.status_code == 200
    assert not MeetingEvening.objects.exists()


def test_teacher_publishes_slots_and_times_already_covered_are_skipped(world, client_for):
    enable(world.a)
    evening = evening_for(world.a)
    slots_for(evening, world.a.teacher, count=1)  # 17:00–17:10
    url = reverse("meetings:slot-editor", args=[evening.pk])
    data = {"starts_at": "17:00", "ends_at": "17:40", "slot_minutes": "10", "room": world.a.room.pk}

    response = client_for(world.a.teacher).post(url, data)

    assert response.status_code == 302
    starts = [timezone.localtime(s.starts_at).time() for s in MeetingSlot.objects.order_by("starts_at")]
    assert starts == [datetime.time(17), datetime.time(17, 10), datetime.time(17, 20), datetime.time(17, 30)]


def test_slots_outside_the_evening_are_refused(world, client_for):
    enable(world.a)
    evening = evening_for(world.a)
    url = reverse("meetings:slot-editor", args=[evening.pk])
    response = client_for(world.a.teacher).post(url, {"starts_at": "16:00", "ends_at": "17:00", "slot_minutes": "10"})
    assert "Slots must lie within the evening" in response.content.decode()
    assert not MeetingSlot.objects.exists()


def test_a_teacher_not_concerned_cannot_publish(world, client_for):
    enable(world.a)
    evening = evening_for(world.a, world.a.class2)  # nobody teaches class2
    assert client_for(world.a.teacher).get(reverse("meetings:slot-editor", args=[evening.pk])).status_code == 404


def test_a_booked_slot_is_removed_only_by_cancelling(world, client_for):
    enable(world.a)
    evening = evening_for(world.a)
    booked, free = slots_for(evening, world.a.teacher, count=2)
    appointment_for(booked, world.a.parent, world.a.student)
    client = client_for(world.a.teacher)

    client.post(reverse("meetings:slot-delete", args=[booked.pk]))
    client.post(reverse("meetings:slot-delete", args=[free.pk]))

    assert list(MeetingSlot.objects.all()) == [booked]


def test_teachers_printable_day_lists_child_class_and_guardian(world, client_for):
    enable(world.a)
    evening = evening_for(world.a)
    slot = slots_for(evening, world.a.teacher, room=world.a.room)[0]
    appointment_for(slot, world.a.parent, world.a.student)
    page = client_for(world.a.teacher).get(reverse("meetings:teacher-day", args=[evening.pk])).content.decode()
    for text in (world.a.student.get_full_name(), world.a.school_class.name, world.a.parent.get_full_name()):
        assert text in page
    assert "Notes" in page and "meetings/print.js" in page


@pytest.mark.parametrize("teachers", [1, 50])
def test_overview_grid_costs_the_same_queries_for_one_and_fifty_teachers(
    world, client_for, django_assert_num_queries, teachers
):
    enable(world.a)
    evening = evening_for(world.a)
    people = [world.a.teacher] + [
        f.person(world.a.establishment, Role.TEACHER, username=f"t{i}.a") for i in range(teachers - 1)
    ]
    for index, teacher in enumerate(people):
        if index:
            f.TeachingFactory(school_class=world.a.school_class, teacher=teacher, subject=world.a.subject)
        slot = slots_for(evening, teacher, count=1, room=world.a.room)[0]
        appointment_for(slot, world.a.parent, world.a.student)
    client = client_for(world.a.head)
    url = reverse("meetings:evening-overview", args=[evening.pk])
    client.get(url)
    with django_assert_num_queries(QUERIES_OVERVIEW):
        page = client.get(url).content.decode()
    assert f"{teachers} slots, {teachers} booked" in page


@pytest.mark.parametrize("slots", [1, 50])
def test_teacher_day_and_slot_editor_cost_the_same_queries(world, client_for, django_assert_num_queries, slots):
    enable(world.a)
    evening = evening_for(world.a)
    made = slots_for(evening, world.a.teacher, count=slots, minutes=3, room=world.a.room)
    for slot in made:
        student = f.person(world.a.establishment, Role.STUDENT)
        f.EnrollmentFactory(school_class=world.a.school_class, student=student)
        appointment_for(slot, world.a.parent, student)
    client = client_for(world.a.teacher)
    day = reverse("meetings:teacher-day", args=[evening.pk])
    editor = reverse("meetings:slot-editor", args=[evening.pk])
    client.get(day)
    with django_assert_num_queries(QUERIES_DAY):
        client.get(day)
    with django_assert_num_queries(QUERIES_EDITOR):
        client.get(editor)


def test_reminders_go_once_to_guardian_and_teacher_the_day_before(family: Family):
    a = family.world.a
    appointment = appointment_for(family.slots[0], a.parent, a.student)
    before = family.slots[0].starts_at - datetime.timedelta(hours=30)
    assert services.reminders_send(now=before) == 0
    day_before = family.slots[0].starts_at - datetime.timedelta(hours=20)

    assert services.reminders_send(now=day_before) == 1
    assert services.reminders_send(now=day_before) == 0

    recipients = set(Notification.objects.filter(kind="meetings.reminder").values_list("recipient_id", flat=True))
    assert recipients == {a.parent.pk, a.teacher.pk}
    appointment.refresh_from_db()
    assert appointment.reminded_at == day_before


def test_reminder_command_announces_and_reminds(family: Family):
    from io import StringIO

    out = StringIO()
    call_command("meetings_send_reminders", stdout=out)
    # The family's evening is open (announced now); its appointments are a week ahead (not yet).
    assert out.getvalue().strip() == "1 evenings announced, 0 meetings reminded"
    assert Notification.objects.filter(kind="meetings.opened").exists()


def test_the_guardians_concerned_are_told_once_when_booking_opens(family: Family):
    a = family.world.a
    evening = family.evening
    opens = timezone.now() + datetime.timedelta(hours=2)
    type(evening).objects.filter(pk=evening.pk).update(booking_opens_at=opens, announced_at=None)
    assert services.openings_announce(now=opens - datetime.timedelta(minutes=5)) == 0, "not before it opens"

    assert services.openings_announce(now=opens) == 1
    assert services.openings_announce(now=opens) == 0, "once"
    told = Notification.objects.filter(kind="meetings.opened")
    # Each guardian of the concerned classes' children once (the family's parent has two there);
    # nobody of another establishment.
    assert a.parent2 is not None
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([a.parent.pk, a.parent2.pk])
    assert {n.url for n in told} == {reverse("meetings:booking", args=[evening.pk])}
    evening.refresh_from_db()
    assert evening.announced_at == opens


def test_appointments_are_in_the_guardians_and_teachers_feed(family: Family, django_assert_num_queries):
    a = family.world.a
    appointment = appointment_for(family.slots[0], a.parent, a.student)
    for person in (a.parent, a.teacher):
        scope = scope_of(person)
        with django_assert_num_queries(1):
            events = list(feeds.feed_source(scope))
        assert [e.uid for e in events] == [f"meeting-{appointment.pk}"]
        assert events[0].starts == family.slots[0].starts_at and events[0].location == a.room.name
    assert list(feeds.feed_source(scope_of(a.parent2))) == []


def test_appointment_appears_in_the_icalendar_feed(family: Family):
    import icalendar

    from romsie.timetable.feeds import calendar_for

    a = family.world.a
    appointment = appointment_for(family.slots[0], a.parent, a.student)
    calendar = icalendar.Calendar.from_ical(calendar_for(a.parent.pk))
    assert f"meeting-{appointment.pk}@romsie-ce" in {str(e["uid"]) for e in calendar.walk("VEVENT")}


def test_my_meetings_lists_what_is_to_come(family: Family, client_for):
    a = family.world.a
    appointment_for(family.slots[0], a.parent, a.student)
    page = client_for(a.teacher).get(reverse("meetings:appointment-list")).content.decode()
    assert a.parent.get_full_name() in page
    assert Appointment.objects.count() == 1


QUERIES_OVERVIEW = 7
QUERIES_DAY = 10
QUERIES_EDITOR = 10


def test_two_edits_of_one_evening_at_once_refuse_the_second(world, client_for):
    from romsie.core.testing.editing import race_on_form

    enable(world.a)
    evening = evening_for(world.a)
    url = reverse("meetings:evening-update", args=[evening.pk])
    refused = race_on_form(
        url,
        first=client_for(world.a.head),
        second=client_for(world.a.head),
        first_data=_evening_post(world, title="First title"),
        second_data=_evening_post(world, title="Second title"),
    )
    assert "Second title" in refused.content.decode()
    evening.refresh_from_db()
    assert evening.title == "First title"


@pytest.mark.parametrize("evenings", [1, 50])
def test_evening_list_costs_the_same_with_1_and_50_and_is_cached(
    world, client_for, django_assert_num_queries, evenings
):
    enable(world.a)
    for _ in range(evenings):
        evening_for(world.a)
    client = client_for(world.a.head)
    url = reverse("meetings:evening-list")
    client.get(url)
    versions.bump(versions.Kind.MEETINGS, world.a.establishment.pk)
    with django_assert_num_queries(3):  # session, user; the evenings with their counts
        assert client.get(url).status_code == 200
    with django_assert_num_queries(2):  # session, user: the list comes from the cache
        page = client.get(url).content.decode()
    assert page.count('class="meetings-card"') == evenings


def test_the_evening_list_shows_a_booking_at_once(family: Family, client_for, django_capture_on_commit_callbacks):
    a = family.world.a
    client = client_for(a.head)
    url = reverse("meetings:evening-list")
    assert "0 booked" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.appointments_book(
            scope=scope_of(a.parent),
            evening=family.evening,
            choices=[services.Choice(slot_id=family.slots[0].pk, student_id=a.student.pk)],
        )
    assert "1 booked" in client.get(url).content.decode()
