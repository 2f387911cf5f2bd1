"""A teacher schedules a video meeting for a class; a student finds it and joins it on the server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from romsie.agenda.models import Event
from romsie.core.testing.world import World
from romsie.videomeetings.models import VideoMeeting
from romsie.videomeetings.tests.builders import SECRET, at, configure
from romsie.videomeetings.tests.standin import StandInBBB

from .support import Guard, Journey


@pytest.fixture
def bbb() -> Iterator[StandInBBB]:
    server = StandInBBB(SECRET).start()
    yield server
    server.stop()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_teacher_schedules_a_class_meeting_and_a_student_joins_it_on_the_server(
    journey: Journey,
    world: World,
    another_journey: Callable[[str], Journey],
    bbb: StandInBBB,
    guard: Guard,
    viewport: str,
) -> None:
    a = world.a
    configure(world.north, bbb.url)
    page = journey.page

    # The teacher schedules a meeting for their class.
    journey.sign_in(a.teacher.username)
    journey.open("videomeetings:meeting-create")
    page.fill("#id_title", "Classe virtuelle de sciences")
    page.fill("#id_starts_at", at(1, 15).strftime("%Y-%m-%dT%H:%M"))
    page.check("input[name=kind][value=class]")
    page.select_option("#id_school_class", str(a.school_class.pk))
    journey.submit("main .form-actions button[type=submit]")
    journey.assert_at("videomeetings:meeting-list")
    journey.check()
    expect(page.locator("main")).to_contain_text("Classe virtuelle de sciences")
    meeting = VideoMeeting.objects.get()
    event = Event.objects.get(pk=meeting.event_id)

    # The student finds it in the services menu and in the agenda, and follows the join link.
    student = another_journey(viewport)
    student.sign_in(a.student.username)
    student.open_menu()
    student.follow(f"nav.services-nav a[href='{student.route('videomeetings:meeting-list')}']")
    expect(student.page.locator("main")).to_contain_text("Classe virtuelle de sciences")
    student.open("agenda:event-detail", event.pk)
    expect(student.page.locator("main")).to_contain_text("Classe virtuelle de sciences")
    with student.page.expect_navigation():
        student.page.click(f"main a[href='{student.route('videomeetings:meeting-join', meeting.pk)}']")

    # The redirect reached the stand-in server, whose checksum checks passed.
    expect(student.page.locator("#joined")).to_have_text(f"{a.student.get_full_name()} (VIEWER)")
    assert student.page.url.startswith(bbb.url + "/join?")
    assert [c.name for c in bbb.calls] == ["create", "join"] and all(c.is_signed for c in bbb.calls)
    # The stand-in is the one other host a journey here may reach: the territory's server.
    stand_in: Any = [u for u in guard.foreign_requests if u.startswith(bbb.url)]
    assert stand_in and len(stand_in) == len(guard.foreign_requests)
    guard.foreign_requests.clear()
