"""The week and day views, who sees what, changes to sessions and their notifications."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.core import versions
from romsie.core.testing import factories as f
from romsie.core.testing.editing import REFUSAL, page_text
from romsie.identity.models import Role
from romsie.notifications.models import Notification
from romsie.schooling.models import GroupMembership, Teaching
from romsie.timetable import services
from romsie.timetable.models import Lesson, Session

WEEK = "2026-09-07"


def week_page(client, **params: str):
    return client.get(reverse("timetable:week"), {"semaine": WEEK, **params})


def test_student_parent_and_teacher_see_the_lessons_of_their_week(world, timetable, client_for):
    for person in (world.a.student, world.a.parent, world.a.teacher):
        page = week_page(client_for(person))
        assert page.status_code == 200
        days = page.context["week"].days
        assert [s.lesson_id for s in days[0].sessions] == [timetable["monday"].pk], person
        assert days[1].sessions == []  # 8 September is in week B: no Tuesday lesson
    assert "Mathématiques" in week_page(client_for(world.a.student)).content.decode()


def test_a_student_of_another_class_does_not_see_them(world, timetable, client_for):
    page = week_page(client_for(world.a.student2))
    assert all(not day.sessions for day in page.context["week"].days)
    session = Session.objects.filter(lesson=timetable["monday"]).first()
    assert client_for(world.a.student2).get(reverse("timetable:session-detail", args=[session.pk])).status_code == 404
    assert client_for(world.a.parent2).get(reverse("timetable:session-detail", args=[session.pk])).status_code == 404


def test_group_lessons_reach_the_group_members_only(world, year, client_for):
    a = world.a
    group = f.TeachingGroupFactory(establishment=a.establishment, name="Latin", code="LAT", school_year=year)
    GroupMembership.objects.create(establishment=a.establishment, teaching_group=group, student=a.student2)
    teaching = Teaching.objects.create(
        establishment=a.establishment, teacher=a.teacher, subject=a.subject, teaching_group=group
    )
    Lesson.objects.create(
        establishment=a.establishment, school_year=year, teaching=teaching, weekday=2,
        starts_at=datetime.time(9, 0), ends_at=datetime.time(10, 0),
    )  # fmt: skip
    services.timetable_sync(school_year=year, today=datetime.date(2026, 9, 1))
    assert len(week_page(client_for(a.student2)).context["week"].days[2].sessions) == 1
    assert week_page(client_for(a.student)).context["week"].days[2].sessions == []


def test_head_opens_any_class_or_room_week(world, timetable, client_for):
    client = client_for(world.a.head)
    page = client.get(reverse("timetable:class-week", args=[world.a.school_class.pk]), {"semaine": WEEK})
    assert len(page.context["week"].days[0].sessions) == 1
    page = client.get(reverse("timetable:room-week", args=[world.a.room.pk]), {"semaine": WEEK})
    assert len(page.context["week"].days[0].sessions) == 1
    assert client.get(reverse("timetable:class-week", args=[world.c.school_class.pk])).status_code == 404


@pytest.mark.parametrize("lessons", [1, 40])
def test_week_view_queries_do_not_grow_with_lessons(world, year, timetable, client_for, django_assert_num_queries,
                                                    lessons):  # fmt: skip
    extra = [
        Lesson(establishment=world.a.establishment, school_year=year, teaching=world.a.teaching, weekday=i % 5,
               starts_at=datetime.time(12 + i // 5, 0), ends_at=datetime.time(12 + i // 5, 30))
        for i in range(lessons - 1)
    ]  # fmt: skip
    Lesson.objects.bulk_create(extra)
    services.timetable_sync(school_year=year, today=datetime.date(2026, 9, 1))
    client = client_for(world.a.student)
    week_page(client)  # warm the scope cache (and the week)
    versions.bump(versions.Kind.TIMETABLE, world.a.establishment.pk)  # as any change of the timetable does
    with django_assert_num_queries(6):
        page = week_page(client)
    # The fixture's Monday lesson plus the extra ones; its Tuesday lesson is week A only.
    assert sum(len(d.sessions) for d in page.context["week"].days) == lessons
    with django_assert_num_queries(2):  # the session and the person: the week itself comes from the cache
        again = week_page(client)
    week_html = page.content.decode().split('<div class="week">')[1].split("</main>")[0]
    assert again.content.decode().split('<div class="week">')[1].split("</main>")[0] == week_html


def test_a_change_of_a_session_shows_at_once_on_the_cached_week_and_day(
    world, timetable, client_for, django_capture_on_commit_callbacks
):
    student = client_for(world.a.student)
    session = Session.objects.get(lesson=timetable["monday"], planned_date=datetime.date(2026, 9, 7))
    day = {"jour": "2026-09-07"}
    assert "Cancelled" not in page_text(week_page(student))
    assert "Cancelled" not in page_text(student.get(reverse("timetable:day"), day))
    change = services.SessionChange(
        cancelled=True, date=session.date, starts_at=session.starts_at, ends_at=session.ends_at,
        room=session.room, teacher_id=session.teacher_id,
    )  # fmt: skip
    scope = scope_of(client_for, world.a.head)
    with django_capture_on_commit_callbacks(execute=True):  # the version is bumped once the change is committed
        services.session_change(scope=scope, session=session, version=0, change=change)
    assert "Cancelled" in page_text(week_page(student))
    assert "Cancelled" in page_text(student.get(reverse("timetable:day"), day))


def test_a_teacher_renamed_shows_at_once_on_the_cached_week(world, timetable, client_for):
    student = client_for(world.a.student)
    teacher = world.a.teacher
    assert teacher.last_name in page_text(week_page(student))
    teacher.last_name = "Nouveau-Nom"
    teacher.save()  # identity's signals move the establishment's people version
    assert "Nouveau-Nom" in page_text(week_page(student))


def test_cancelling_a_session_marks_it_and_notifies_students_families_and_teacher(world, timetable, client_for):
    session = Session.objects.get(lesson=timetable["monday"], planned_date=datetime.date(2026, 9, 7))
    client = client_for(world.a.school_life)
    form = client.get(reverse("timetable:session-change", args=[session.pk]))
    assert form.status_code == 200
    response = client.post(
        reverse("timetable:session-change", args=[session.pk]),
        {
            "cancelled": "on", "date": "2026-09-07", "starts_at": "08:30", "ends_at": "09:25",
            "room": world.a.room.pk, "teacher": world.a.teacher.pk, "note": "Sortie au musée", "version": 0,
        },
    )  # fmt: skip
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled and session.version == 1
    cancelled = Notification.objects.filter(kind="timetable.session_cancelled")
    notified = set(cancelled.values_list("recipient_id", flat=True))
    assert notified == {world.a.student.pk, world.a.parent.pk, world.a.teacher.pk}
    page = week_page(client_for(world.a.parent)).content.decode()
    assert "session-cancelled" in page and "Sortie au musée" in page


def test_a_substitute_and_a_new_room_are_shown(world, timetable, client_for):
    a = world.a
    substitute = f.person(a.establishment, Role.TEACHER, username="remplacant.a", last_name="Remplaçant")
    room = f.RoomFactory(establishment=a.establishment, name="Salle 202")
    session = Session.objects.get(lesson=timetable["monday"], planned_date=datetime.date(2026, 9, 7))
    change = services.SessionChange(
        cancelled=False, date=session.date, starts_at=session.starts_at, ends_at=session.ends_at, room=room,
        teacher_id=substitute.pk,
    )  # fmt: skip
    services.session_change(scope=scope_of(client_for, a.head), session=session, version=0, change=change)
    session.refresh_from_db()
    assert session.has_substitute and session.has_new_room
    # The substitute now sees the session in their own week.
    assert len(week_page(client_for(substitute)).context["week"].days[0].sessions) == 1
    assert "timetable.session_changed" in set(Notification.objects.values_list("kind", flat=True))


def scope_of(client_for, person):
    client = client_for(person)
    return client.get(reverse("timetable:week")).wsgi_request.scope


def test_a_stale_form_does_not_overwrite_a_newer_change(world, timetable, client_for):
    session = Session.objects.get(lesson=timetable["monday"], planned_date=datetime.date(2026, 9, 7))
    client = client_for(world.a.head)
    data = {"date": "2026-09-07", "starts_at": "08:30", "ends_at": "09:25", "teacher": world.a.teacher.pk,
            "version": 0}  # fmt: skip
    url = reverse("timetable:session-change", args=[session.pk])
    assert client.post(url, {**data, "note": "first"}).status_code == 302
    stale = client.post(url, {**data, "note": "second"})
    assert stale.status_code == 200
    page = page_text(stale)
    assert REFUSAL in page
    assert 'value="second"' in page, "the person's typed note is kept"
    assert "<dd>first</dd>" in page, "the other's version is shown"
    session.refresh_from_db()
    assert session.change_note == "first"


def test_moving_into_a_taken_room_is_refused(world, timetable, client_for):
    monday = Session.objects.get(lesson=timetable["monday"], planned_date=datetime.date(2026, 9, 7))
    tuesday = Session.objects.get(lesson=timetable["tuesday"], planned_date=datetime.date(2026, 9, 1))
    response = client_for(world.a.head).post(
        reverse("timetable:session-change", args=[tuesday.pk]),
        {"date": "2026-09-07", "starts_at": "09:00", "ends_at": "10:00", "room": world.a.room.pk,
         "teacher": world.a.teacher.pk, "version": 0},
    )  # fmt: skip
    assert response.status_code == 200
    assert "already" in response.content.decode()
    tuesday.refresh_from_db()
    assert tuesday.version == 0 and monday.version == 0


def test_day_view_and_dashboard_widget(world, timetable, client_for):
    client = client_for(world.a.student)
    page = client.get(reverse("timetable:day"), {"jour": "2026-09-07"})
    assert len(page.context["day"].sessions) == 1
    dashboard = client.get(reverse("core:dashboard")).content.decode()
    assert 'id="widget-timetable-today"' in dashboard


def test_a_switched_off_timetable_shows_no_lessons_on_the_dashboard(world, timetable, client_for):
    client = client_for(world.a.student)
    today = timezone.localdate()
    session = Session.objects.filter(teaching=world.a.teaching, date__gte=today).order_by("date", "starts_at")[0]
    lesson_link = reverse("timetable:session-detail", args=[session.pk])
    assert lesson_link in client.get(reverse("core:dashboard")).content.decode()  # and the widget is cached

    establishment = world.a.establishment
    establishment.enabled_services = [s for s in establishment.enabled_services if s != "timetable"]
    establishment.save(update_fields=["enabled_services"])
    dashboard = client.get(reverse("core:dashboard")).content.decode()
    assert 'id="widget-timetable-today"' not in dashboard
    assert lesson_link not in dashboard and "My lessons" not in dashboard


def test_lesson_form_refuses_a_double_booked_room(world, year, timetable, client_for):
    other = Teaching.objects.create(
        establishment=world.a.establishment, teacher=world.a.head, subject=world.a.subject,
        school_class=world.a.class2,
    )  # fmt: skip
    response = client_for(world.a.head).post(
        reverse("timetable:lesson-create"),
        {"teaching": other.pk, "weekday": 0, "starts_at": "09:00", "ends_at": "10:00", "weeks": "",
         "room": world.a.room.pk},
    )  # fmt: skip
    assert response.status_code == 200
    assert "already taken" in response.content.decode()
    response = client_for(world.a.head).post(
        reverse("timetable:lesson-create"),
        {"teaching": other.pk, "weekday": 0, "starts_at": "10:00", "ends_at": "11:00", "weeks": "",
         "room": world.a.room.pk},
    )  # fmt: skip
    assert response.status_code == 302
    assert Session.objects.filter(teaching=other).exists()
