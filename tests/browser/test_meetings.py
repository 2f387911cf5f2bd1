"""A parent books three meetings for two children in one go on a phone; a teacher prints their day."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from romsie.core.testing.world import World
from romsie.meetings.models import Appointment
from romsie.meetings.tests.builders import Family, build_family

from .support import Journey


@pytest.fixture
def family(world: World) -> Family:
    return build_family(world)


def _radio(student: Any, slot: Any) -> str:
    return f"input[type=radio][name='c{student.pk}-t{slot.teacher_id}'][value='{slot.pk}']"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_parent_books_three_meetings_for_two_children_and_sees_the_evening(
    journey: Journey, world: World, family: Family
) -> None:
    a = world.a
    page = journey.page
    journey.sign_in(a.parent.username)
    journey.open_menu()
    journey.follow(f"nav.services-nav a[href='{journey.route('meetings:evening-list')}']")
    journey.follow(f"main a[href='{journey.route('meetings:booking', family.evening.pk)}']")
    expect(page.locator("main h2", has_text=a.student2.get_full_name())).to_be_visible()

    page.check(_radio(a.student, family.slots[0]))  # 17:00, room 101
    page.check(_radio(a.student, family.slots2[2]))  # 17:20, room 202
    page.check(_radio(a.student2, family.slots2[3]))  # 17:30, room 202
    journey.submit("main form.meetings-booking button[type=submit]")

    journey.assert_at("meetings:booking", family.evening.pk)
    journey.check()
    assert Appointment.objects.filter(guardian=a.parent).count() == 3
    summary = page.locator("section.meetings-summary li")
    expect(summary).to_have_count(3)
    expect(summary.first).to_contain_text(a.teacher.get_full_name())
    expect(summary.first.locator(".meetings-walk")).to_be_visible()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_teacher_publishes_slots_and_prints_their_day(journey: Journey, world: World, family: Family) -> None:
    a = world.a
    page = journey.page
    Appointment.objects.create(
        establishment=a.establishment,
        evening=family.evening,
        slot=family.slots[1],
        teacher=a.teacher,
        guardian=a.parent,
        student=a.student,
    )
    journey.sign_in(a.teacher.username)
    journey.open("meetings:evening-list")
    journey.follow(f"main a[href='{journey.route('meetings:slot-editor', family.evening.pk)}']")
    page.fill("#id_starts_at", "19:00")
    page.fill("#id_ends_at", "19:30")
    journey.submit("main form.form button[type=submit]")
    journey.check()
    expect(page.locator(".meetings-slot-list li")).to_have_count(7)
    journey.follow(f"main a[href='{journey.route('meetings:teacher-day', family.evening.pk)}']")
    row = page.locator("table.meetings-day tbody tr", has_text=a.student.get_full_name())
    expect(row).to_contain_text(a.school_class.name)
    expect(row).to_contain_text(a.parent.get_full_name())
    page.emulate_media(media="print")
    expect(page.locator("header.site-header")).to_be_hidden()
    expect(page.locator("button[data-print]")).to_be_hidden()
    expect(page.locator("table.meetings-day")).to_be_visible()
