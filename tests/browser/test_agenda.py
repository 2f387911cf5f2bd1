"""Agendas: a teacher publishes a class event, a student sees it in their week; a parent sees the next events."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from romsie.agenda.models import Event
from romsie.agenda.tests.builders import at, enable, event
from romsie.core.testing.world import World
from romsie.schooling.audiences import TEACHERS, AudienceChoice

from .support import Journey


@pytest.fixture
def agenda(world: World) -> World:
    enable(world.a, world.b, world.c)
    return world


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_teacher_publishes_a_class_event_a_student_sees_it_in_the_week(
    journey: Journey, agenda: World, another_journey: Any, viewport: str
) -> None:
    a = agenda.a
    page = journey.page
    journey.sign_in(a.teacher.username)
    journey.open("agenda:week")
    journey.follow(f"main nav.sub-nav a[href='{journey.route('agenda:event-create')}']")

    page.select_option("#id_agenda", "class")
    page.select_option("#id_school_class", str(a.school_class.pk))
    page.fill("#id_title", "Sortie au musée")
    page.select_option("#id_category", "trip")
    page.fill("#id_starts_at", at(1, 9).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", at(1, 8).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "Musée des Beaux-Arts")
    journey.submit("main form button[type=submit]")
    # It ends before it starts: the form says so, nothing is saved.
    expect(page.locator("main .field-invalid")).not_to_have_count(0)
    journey.check()
    assert not Event.objects.exists()

    page.fill("#id_ends_at", at(1, 16).strftime("%Y-%m-%dT%H:%M"))
    journey.submit("main form button[type=submit]")
    created = Event.objects.get()
    journey.assert_at("agenda:event-detail", created.pk)
    journey.check()

    student = another_journey(viewport)
    student.sign_in(a.student.username)
    student.open_menu()
    student.follow(f"nav.services-nav a[href='{student.route('agenda:week')}']")
    if at(1).date().isocalendar()[1] != at(0).date().isocalendar()[1]:
        student.follow("main .agenda-pager a:last-child")
    expect(student.page.locator("main .agenda-week")).to_contain_text("Sortie au musée")
    student.follow("main .agenda-week a:text('Sortie au musée')")
    student.assert_at("agenda:event-detail", created.pk)


def test_a_parent_sees_the_next_events_on_the_dashboard_on_a_phone(agenda: World, another_journey: Any) -> None:
    a = agenda.a
    event(a, title="Portes ouvertes", starts_at=at(3, 9))
    event(a, title="Conseil pédagogique", starts_at=at(2, 17), audience=AudienceChoice.of({TEACHERS}))
    parent = another_journey("phone")
    parent.sign_in(a.parent.username)
    widget = parent.page.locator("section[aria-labelledby=widget-agenda-next]")
    expect(widget).to_contain_text("Portes ouvertes")
    expect(widget).not_to_contain_text("Conseil pédagogique")  # for the teachers only
    parent.check()
    parent.follow("section[aria-labelledby=widget-agenda-next] a:text('Portes ouvertes')")
    expect(parent.page.locator("main h1")).to_have_text("Portes ouvertes")
