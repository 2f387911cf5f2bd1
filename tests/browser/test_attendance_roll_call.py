"""On a phone, a teacher calls the roll from the day view; the parent of the absent child sees the alert."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from romsie.attendance.models import Absence, AttendanceMark, Lateness, RollCall
from romsie.attendance.tests.builders import enable
from romsie.core.testing import factories as f
from romsie.core.testing.world import World
from romsie.homework.tests.builders import session_on
from romsie.identity.models import Role
from romsie.timetable.models import Session

from .support import Journey


@pytest.fixture
def session(world: World) -> Session:
    enable(world.a)
    # The last school day (Monday to Saturday) before today: the day view shows no Sunday.
    day = timezone.localdate() - datetime.timedelta(days=1)
    if day.weekday() == 6:
        day -= datetime.timedelta(days=1)
    return session_on(world.a.teaching, day, hour=9)


@pytest.mark.parametrize("viewport", ["phone"])
def test_teacher_calls_the_roll_on_a_phone_and_the_parent_sees_the_alert(
    journey: Journey, world: World, session: Session, another_journey: Callable[[str], Any]
) -> None:
    a = world.a
    late = f.person(a.establishment, Role.STUDENT, first_name="Zoé", last_name="Zola")
    f.EnrollmentFactory(school_class=a.school_class, student=late)
    page = journey.page

    # From the day view, the teacher opens the session, then its roll call.
    journey.sign_in(a.teacher.username)
    page.goto(journey.url("timetable:day") + f"?jour={session.date.isoformat()}")
    journey.check()
    journey.follow(f"main ol.sessions a[href='{journey.route('timetable:session-detail', session.pk)}']")
    journey.follow(f"main a[href='{journey.route('attendance:roll-call', session.pk)}']")
    journey.assert_at("attendance:roll-call", session.pk)

    # Everyone opens present; one is marked absent, the other 10 minutes late.
    expect(page.locator(f"#id_status-{a.student.pk}_0")).to_be_checked()
    expect(page.locator(f"#id_status-{late.pk}_0")).to_be_checked()
    expect(page.locator(f"#id_minutes-{late.pk}")).to_be_hidden()
    page.click(f"label[for='id_status-{a.student.pk}_1']")
    page.click(f"label[for='id_status-{late.pk}_2']")
    expect(page.locator(f"#id_minutes-{late.pk}")).to_be_visible()
    page.fill(f"#id_minutes-{late.pk}", "10")
    journey.check()
    journey.submit("main form.roll-form button[type=submit]")
    journey.assert_at("attendance:roll-call-list")
    expect(page.locator("main")).to_contain_text(a.teacher.get_full_name())
    journey.check()
    assert RollCall.objects.get(session=session).called_by == a.teacher
    assert {(m.student_id, m.status, m.minutes_late) for m in AttendanceMark.objects.all()} == {
        (a.student.pk, "absent", None),
        (late.pk, "late", 10),
    }
    assert Absence.objects.get().student == a.student
    assert Lateness.objects.get().minutes == 10

    # The parent, on their phone, sees the alert about their child.
    parent = another_journey("phone")
    parent.sign_in(a.parent.username)
    bell = parent.page.locator("header a.notification-bell")
    expect(bell.locator(".notification-count")).to_have_text("1")
    parent.follow("header a.notification-bell")
    expect(parent.page.locator("ol.notification-list li")).to_contain_text(a.student.get_full_name())
    expect(parent.page.locator("ol.notification-list li")).to_contain_text("09:00")


def test_school_life_sees_the_rolls_not_called_and_reminds_the_teacher(
    journey: Journey, world: World, session: Session, another_journey: Callable[[str], Any]
) -> None:
    a = world.a
    page = journey.page
    journey.sign_in(a.school_life.username)
    page.goto(journey.url("attendance:roll-call-missing") + f"?date={session.date.isoformat()}")
    journey.check()
    expect(page.locator("main table")).to_contain_text(a.teacher.get_full_name())
    journey.submit("main form.roll-remind button[type=submit]")
    journey.assert_at("attendance:roll-call-missing")
    journey.check()

    # The teacher follows the reminder to the session's roll call.
    teacher = another_journey("phone")
    teacher.sign_in(a.teacher.username)
    teacher.follow("header a.notification-bell")
    teacher.follow("ol.notification-list a")
    teacher.assert_at("attendance:roll-call", session.pk)
