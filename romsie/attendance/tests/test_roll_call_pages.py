"""Reaching the roll call: the timetable's session panel, "my roll calls", the sessions not called and the reminder."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.attendance import selectors, services
from romsie.core import versions
from romsie.core.testing import factories as f
from romsie.homework.tests.builders import scope_of, session_on
from romsie.identity.models import Role
from romsie.notifications.kinds import render
from romsie.notifications.models import Notification
from romsie.timetable import services as timetable_services

from .builders import enable


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages and messages in English."""


@pytest.fixture
def yesterday(world):
    enable(world.a, world.b, world.c)
    return timezone.localdate() - datetime.timedelta(days=1)


def test_the_school_life_entry_sends_a_teacher_to_their_roll_calls(world, yesterday, client_for):
    response = client_for(world.a.teacher).get(reverse("attendance:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("attendance:roll-call-list")


def test_session_page_offers_the_roll_call_then_says_who_called_it(world, yesterday, client_for):
    session = session_on(world.a.teaching, yesterday)
    url = reverse("timetable:session-detail", args=[session.pk])
    teacher = client_for(world.a.teacher)
    page = teacher.get(url).content.decode()
    assert "Call the roll" in page
    assert reverse("attendance:roll-call", args=[session.pk]) in page
    assert "attendance/attendance" in page, "the panel's style sheet is linked"

    services.roll_call_save(scope=scope_of(world.a.teacher), session=session, marks={}, version=None)
    page = teacher.get(url).content.decode()
    assert "Roll called by" in page and world.a.teacher.get_full_name() in page and "Correct it" in page

    # A student sees the session, never the roll-call block; school life sees it.
    assert "Roll call" not in client_for(world.a.student).get(url).content.decode()
    assert "Correct it" in client_for(world.a.school_life).get(url).content.decode()


def test_my_roll_calls_lists_the_days_sessions_with_their_state(world, yesterday, client_for):
    called = session_on(world.a.teaching, yesterday, hour=8)
    not_called = session_on(world.a.teaching, yesterday, hour=10)
    colleague = f.person(world.a.establishment, Role.TEACHER, last_name="Collegue")
    theirs = session_on(
        f.TeachingFactory(school_class=world.a.school_class, teacher=colleague, subject=world.a.subject),
        yesterday,
        hour=14,
    )
    services.roll_call_save(scope=scope_of(world.a.teacher), session=called, marks={}, version=None)

    response = client_for(world.a.teacher).get(reverse("attendance:roll-call-list"), {"date": yesterday.isoformat()})

    assert list(response.context["sessions"]) == [called, not_called]
    page = response.content.decode()
    assert "Correct the roll call" in page and "Call the roll" in page
    assert reverse("attendance:roll-call", args=[theirs.pk]) not in page
    today = client_for(world.a.teacher).get(reverse("attendance:roll-call-list"))
    assert "My roll calls today" in today.content.decode()
    bad = client_for(world.a.teacher).get(reverse("attendance:roll-call-list"), {"date": "9999-99-99"})
    assert bad.status_code == 200 and bad.context["day"] == timezone.localdate()


@pytest.mark.parametrize("rows", [1, 30])
def test_my_roll_calls_costs_the_same_for_1_and_30_sessions(
    world, yesterday, client_for, django_assert_num_queries, rows
):
    for i in range(rows):
        session = session_on(world.a.teaching, yesterday, hour=7 + i % 12) if i < 12 else None
        if session is None:
            teaching = f.TeachingFactory(
                school_class=world.a.school_class, teacher=world.a.teacher, subject=world.a.subject
            )
            session = session_on(teaching, yesterday, hour=7 + i % 12)
        if i % 2:
            services.roll_call_save(scope=scope_of(world.a.teacher), session=session, marks={}, version=None)
    client = client_for(world.a.teacher)
    url = reverse("attendance:roll-call-list")
    client.get(url, {"date": yesterday.isoformat()})
    versions.bump(versions.Kind.ROLL_CALLS, world.a.teacher.pk)
    with django_assert_num_queries(4):  # session, person, the day's sessions, the homeroom classes
        response = client.get(url, {"date": yesterday.isoformat()})
    assert len(response.context["sessions"]) == rows
    with django_assert_num_queries(2):  # session, person: the day comes from the cache
        cached = client.get(url, {"date": yesterday.isoformat()})
    assert cached.content.decode().count('class="card roll-session-item"') == rows


def test_my_roll_calls_show_a_roll_call_or_a_substitution_at_once(
    world, yesterday, client_for, django_capture_on_commit_callbacks
):
    session = session_on(world.a.teaching, yesterday, hour=8)
    client = client_for(world.a.teacher)
    url = reverse("attendance:roll-call-list")
    assert "Call the roll" in client.get(url, {"date": yesterday.isoformat()}).content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # the teacher's stamp moves once committed
        services.roll_call_save(scope=scope_of(world.a.school_life), session=session, marks={}, version=None)
    page = client.get(url, {"date": yesterday.isoformat()}).content.decode()
    assert "Correct the roll call" in page and world.a.school_life.get_full_name() in page

    substitute = f.person(world.a.establishment, Role.TEACHER, last_name="Remplacante")
    session.refresh_from_db()
    change = timetable_services.SessionChange(
        cancelled=False,
        date=session.date,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        room=session.room,
        teacher_id=substitute.pk,
    )
    timetable_services.session_change(
        scope=scope_of(world.a.head), session=session, version=session.version, change=change
    )
    page = client.get(url, {"date": yesterday.isoformat()}).content.decode()
    assert reverse("attendance:roll-call", args=[session.pk]) not in page, "the substitute calls it now"


def test_a_homeroom_teacher_reaches_the_class_report_from_the_roll_calls(world, client_for):
    world.a.school_class.homeroom_teacher = world.a.teacher
    world.a.school_class.save(update_fields=["homeroom_teacher"])
    page = client_for(world.a.teacher).get(reverse("attendance:roll-call-list")).content.decode()
    assert reverse("attendance:class-report", args=[world.a.school_class.pk]) in page


def test_sessions_not_called_only_those_started_by_time_with_the_teacher(world, yesterday, client_for):
    today = timezone.localdate()
    noon = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12)))
    started = session_on(world.a.teaching, today, hour=8)
    session_on(world.a.teaching, today, hour=14)  # not started at noon
    called = session_on(world.a.teaching, yesterday, hour=8)
    missing = session_on(world.a.teaching, yesterday, hour=10)
    services.roll_call_save(scope=scope_of(world.a.teacher), session=called, marks={}, version=None)
    session_on(world.c.teaching, yesterday, hour=10)  # another establishment's: never listed
    scope = scope_of(world.a.school_life)

    assert list(selectors.roll_calls_missing(scope, yesterday)) == [missing]
    assert list(selectors.roll_calls_missing(scope, today, now=noon)) == [started]
    before = noon - datetime.timedelta(days=1)
    assert list(selectors.roll_calls_missing(scope, today, now=before)) == [], "a day not begun has none"

    response = client_for(world.a.school_life).get(
        reverse("attendance:roll-call-missing"), {"date": yesterday.isoformat()}
    )
    page = response.content.decode()
    assert world.a.teacher.get_full_name() in page and "Remind the teachers" in page


def test_remind_the_teachers_one_notification_each(world, yesterday, client_for):
    colleague = f.person(world.a.establishment, Role.TEACHER, last_name="Collegue")
    other_teaching = f.TeachingFactory(school_class=world.a.school_class, teacher=colleague, subject=world.a.subject)
    session_on(world.a.teaching, yesterday, hour=8)
    session_on(world.a.teaching, yesterday, hour=10)
    single = session_on(other_teaching, yesterday, hour=14)

    response = client_for(world.a.school_life).post(
        reverse("attendance:roll-call-remind"), {"date": yesterday.isoformat()}, follow=True
    )

    assert "2 teachers reminded" in response.content.decode()
    reminders = Notification.objects.filter(kind="attendance.roll_call_reminder")
    assert sorted(reminders.values_list("recipient_id", flat=True)) == sorted([world.a.teacher.pk, colleague.pk])
    mine = reminders.get(recipient=world.a.teacher)
    assert "08:00" in render(mine) and "10:00" in render(mine)
    assert mine.url == f"{reverse('attendance:roll-call-list')}?date={yesterday.isoformat()}"
    theirs = reminders.get(recipient=colleague)
    assert theirs.url == reverse("attendance:roll-call", args=[single.pk])
    assert "14:00" in render(theirs)


def test_nothing_to_remind_says_so(world, yesterday, client_for):
    response = client_for(world.a.school_life).post(
        reverse("attendance:roll-call-remind"), {"date": yesterday.isoformat()}, follow=True
    )
    assert "nobody to remind" in response.content.decode()
    assert not Notification.objects.exists()


@pytest.mark.parametrize("rows", [1, 30])
def test_sessions_not_called_costs_the_same_for_1_and_30(world, yesterday, client_for, django_assert_num_queries, rows):
    for i in range(rows):
        teacher = f.person(world.a.establishment, Role.TEACHER, last_name=f"Prof{i:02d}")
        teaching = f.TeachingFactory(school_class=world.a.school_class, teacher=teacher, subject=world.a.subject)
        session_on(teaching, yesterday, hour=8 + i % 10)
    client = client_for(world.a.school_life)
    url = reverse("attendance:roll-call-missing")
    client.get(url, {"date": yesterday.isoformat()})
    with django_assert_num_queries(3):
        response = client.get(url, {"date": yesterday.isoformat()})
    assert len(response.context["sessions"]) == rows


def test_the_dashboards_lessons_link_each_of_the_teachers_sessions_to_its_roll_call(world, client_for):
    enable(world.a)
    today = timezone.localdate()
    first = session_on(world.a.teaching, today, hour=8)
    second = session_on(world.a.teaching, today, hour=10)
    teacher = client_for(world.a.teacher).get(reverse("core:dashboard")).content.decode()
    assert reverse("attendance:roll-call", args=[first.pk]) in teacher
    assert reverse("attendance:roll-call", args=[second.pk]) in teacher
    student = client_for(world.a.student).get(reverse("core:dashboard")).content.decode()
    assert 'id="widget-timetable-today"' in student
    assert reverse("attendance:roll-call", args=[first.pk]) not in student


def test_no_roll_call_link_on_the_dashboard_where_school_life_is_off(world, client_for):
    world.a.establishment.enabled_services = ["directory", "timetable"]
    world.a.establishment.save(update_fields=["enabled_services"])
    session = session_on(world.a.teaching, timezone.localdate(), hour=8)
    teacher = client_for(world.a.teacher).get(reverse("core:dashboard")).content.decode()
    assert 'id="widget-timetable-today"' in teacher
    assert reverse("attendance:roll-call", args=[session.pk]) not in teacher
