"""A teacher working in two establishments switches between them and uses the directory."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from romsie.core.testing import factories as f
from romsie.core.testing.world import World
from romsie.identity.models import Role

from .support import Journey


@pytest.fixture
def teacher(world: World) -> World:
    """Give ``world.a.teacher`` a second role, as a teacher of establishment ``b``."""
    f.RoleAssignmentFactory(user=world.a.teacher, establishment=world.b.establishment, role=Role.TEACHER)
    return world


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_teacher_switches_establishment_then_finds_a_person(journey: Journey, teacher: World) -> None:
    world = teacher
    page = journey.page
    a, b = world.a.establishment, world.b.establishment
    journey.sign_in(world.a.teacher.username)

    journey.open_menu()
    switcher = page.locator("header select#context-establishment")
    expect(switcher).to_have_value(str(a.pk))
    with page.expect_navigation():  # the choice acts at once
        switcher.select_option(str(b.pk))

    journey.assert_at("core:dashboard")
    expect(page.locator("header select#context-establishment")).to_have_value(str(b.pk))
    expect(page.locator("section[aria-labelledby=widget-establishment] h2")).to_have_text(b.name)
    expect(page.locator("section[aria-labelledby=widget-context] li .badge").locator("..")).to_contain_text(b.name)
    journey.check()

    journey.open_menu()
    with page.expect_navigation():
        page.click(f"nav.services-nav a[href='{journey.route('directory:person-search')}']")
    journey.check()

    # Live search: typing is enough, the results follow (htmx), and the address keeps the query.
    student, parent = world.b.student, world.b.parent
    search = page.locator("#search-q")
    search.press_sequentially(student.last_name, delay=20)
    results = page.locator("#results")
    expect(results.locator("a", has_text=student.last_name)).to_be_visible()
    expect(results).not_to_contain_text(world.a.student.last_name)
    expect(page).to_have_url(re.compile(rf"[?&]q={student.last_name}"))
    journey.check()

    # The search button gives the same results.
    search.fill(parent.last_name)
    page.click("main form[role=search] button[type=submit]")
    expect(results.locator("a", has_text=parent.last_name)).to_be_visible()
    expect(results.locator("a", has_text=student.last_name)).to_have_count(0)
    journey.check()

    with page.expect_navigation():
        results.locator("a", has_text=parent.last_name).click()
    journey.assert_at("directory:person-detail", parent.pk)
    expect(page.locator("main h1")).to_have_text(parent.get_full_name())
    journey.check()


def test_teacher_browses_class_lists_and_staff(journey: Journey, world: World) -> None:
    page = journey.page
    a = world.a
    journey.sign_in(a.teacher.username)
    journey.open("directory:person-search")

    journey.follow(f"main nav.sub-nav a[href='{journey.route('directory:class-list')}']")
    journey.follow(f"main a[href='{journey.route('directory:class-detail', a.school_class.pk)}']")
    expect(page.locator("main")).to_contain_text(a.student.last_name)
    expect(page.locator("main")).not_to_contain_text(a.student2.last_name)

    journey.follow(f"main nav.sub-nav a[href='{journey.route('directory:staff-list')}']")
    expect(page.locator("main table")).to_contain_text(a.head.last_name)
    journey.follow(f"main a[href='{journey.route('directory:person-detail', a.head.pk)}']")
    expect(page.locator("main h1")).to_have_text(a.head.get_full_name())
