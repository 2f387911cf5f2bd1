"""A teacher logs a session with homework; the student ticks it on the dashboard; a parent sees it on a phone."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from romsie.core.testing.world import World
from romsie.homework.models import Homework, HomeworkTick, LogEntry
from romsie.homework.tests.builders import enable, session_on
from romsie.timetable.models import Session

from .conftest import VIEWPORTS
from .support import Guard, Journey, editor, paste_html


@pytest.fixture
def sessions(world: World) -> tuple[Session, Session]:
    enable(world.a, world.b, world.c)
    today = timezone.localdate()
    past = session_on(world.a.teaching, today - datetime.timedelta(days=1))
    following = session_on(world.a.teaching, today + datetime.timedelta(days=2))
    return past, following


def _journey(browser: Any, live_server: Any, guard: Guard, viewport: str) -> tuple[Any, Journey]:
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris", **VIEWPORTS[viewport]
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    guard.attach(page)
    return context, Journey(page=page, base_url=live_server.url, guard=guard)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_teacher_logs_homework_student_ticks_it_parent_sees_it_on_a_phone(
    journey: Journey, world: World, sessions: tuple[Session, Session], browser: Any, live_server: Any, guard: Guard
) -> None:
    a = world.a
    past, following = sessions
    page = journey.page

    # The teacher goes from the menu to the log of their class and writes yesterday's session.
    journey.sign_in(a.teacher.username)
    journey.open_menu()
    journey.follow(f"nav.services-nav a[href='{journey.route('homework:home')}']")
    journey.assert_at("homework:teaching-list")
    journey.follow(f"main a[href='{journey.route('homework:teaching-log', a.teaching.pk)}']")
    page.select_option("#id_session", str(past.pk))
    journey.submit("main form[action$='/entrees/nouvelle/'] button[type=submit]")
    journey.assert_at("homework:entry-create", past.pk)
    journey.check()
    # The homework is due at the next session by default.
    expect(page.locator("#id_homework-0-due_on")).to_have_value(following.date.isoformat())
    # Pasted from a word processor: the editor keeps the bold, drops the script.
    paste_html(page, editor("id_content"), "<p>Les <b>fractions</b> : addition.</p><script>alert(1)</script>")
    page.select_option("#id_homework-0-kind", "exercise")
    page.fill("#id_homework-0-instructions", "Exercices 4 et 5 page 32")
    page.fill("#id_homework-0-duration_minutes", "20")
    journey.submit("main form button[name=action][value=publish]")
    entry = LogEntry.objects.get()
    journey.assert_at("homework:entry-detail", entry.pk)
    expect(page.locator("main .rich-text strong")).to_have_text("fractions")
    expect(page.locator("main .rich-text script")).to_have_count(0)
    journey.check()
    homework = Homework.objects.get()

    # The student sees it on the dashboard and ticks it there.
    context, student = _journey(browser, live_server, guard, "desktop")
    try:
        student.sign_in(a.student.username)
        widget = student.page.locator("section[aria-labelledby=widget-homework-due]")
        item = widget.locator(f"#widget-homework-{homework.pk}")
        expect(item).to_contain_text("Exercices 4 et 5 page 32")
        expect(item.locator(".badge-done")).to_have_count(0)
        item.locator("button[type=submit]").click()
        expect(widget.locator(f"#widget-homework-{homework.pk} .badge-done")).to_be_visible()
        student.check()
        assert HomeworkTick.objects.filter(homework=homework, student=a.student).exists()
        student.follow(f"main a[href='{student.route('homework:todo')}']")
        expect(student.page.locator(f"main #homework-{homework.pk} .badge-done")).to_be_visible()
    finally:
        context.close()

    # The parent, on a phone, sees the homework and the child's tick.
    context, parent = _journey(browser, live_server, guard, "phone")
    try:
        parent.sign_in(a.parent.username)
        widget = parent.page.locator("section[aria-labelledby=widget-homework-due]")
        expect(widget.locator(f"#widget-homework-{homework.pk}")).to_contain_text("Exercices 4 et 5 page 32")
        expect(widget.locator(f"#widget-homework-{homework.pk} .badge-done")).to_be_visible()
        expect(widget.locator("button")).to_have_count(0)
        parent.open("homework:todo")
        expect(parent.page.locator(f"main #homework-{homework.pk} .badge-done")).to_be_visible()
        parent.follow(f"main #homework-{homework.pk} a[href^='{parent.route('homework:entry-detail', entry.pk)}']")
        expect(parent.page.locator("main .rich-text strong")).to_have_text("fractions")
    finally:
        context.close()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_head_consults_a_class_log_and_stamps_a_visa(
    journey: Journey, world: World, sessions: tuple[Session, Session]
) -> None:
    a = world.a
    past, _following = sessions
    LogEntry.objects.create(
        establishment=a.establishment,
        teaching=a.teaching,
        session=past,
        date=past.date,
        starts_at=past.starts_at,
        author=a.teacher,
        content_html="<p>Théorème de Pythagore</p>",
        status=LogEntry.Status.PUBLISHED,
    )
    page = journey.page
    journey.sign_in(a.head.username)
    journey.open_menu()
    journey.follow(f"nav.services-nav a[href='{journey.route('homework:home')}']")
    journey.assert_at("homework:class-list")
    journey.follow(f"main a[href='{journey.route('homework:class-log', a.school_class.pk)}']")
    expect(page.locator("main")).to_contain_text("Théorème de Pythagore")
    journey.submit("main form[action$='/visa/'] button[type=submit]")
    journey.assert_at("homework:class-log", a.school_class.pk)
    expect(page.locator("main details.card")).to_be_visible()
    journey.check()


def test_student_hands_in_work_and_the_teacher_returns_it(
    journey: Journey, world: World, sessions: tuple[Session, Session], browser: Any, live_server: Any, guard: Guard
) -> None:
    a = world.a
    past, following = sessions
    entry = LogEntry.objects.create(
        establishment=a.establishment,
        teaching=a.teaching,
        session=past,
        date=past.date,
        starts_at=past.starts_at,
        author=a.teacher,
        content_html="<p>Rédaction</p>",
        status=LogEntry.Status.PUBLISHED,
    )
    essay = Homework.objects.create(
        establishment=a.establishment,
        entry=entry,
        teaching=a.teaching,
        kind=Homework.Kind.HAND_IN,
        instructions="Rédiger une page sur les volcans",
        due_on=following.date,
    )
    page = journey.page

    # The student hands in a PDF from the entry's page, then notes something in their planner.
    journey.sign_in(a.student.username)
    journey.open("homework:todo")
    journey.follow(f"main #homework-{essay.pk} a[href^='{journey.route('homework:entry-detail', entry.pk)}']")
    page.set_input_files(
        f"#hand-in-{essay.pk}", files=[{"name": "volcans.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 x"}]
    )
    journey.submit(f"main form[action='{journey.route('homework:submission-create', essay.pk)}'] button[type=submit]")
    journey.assert_at("homework:entry-detail", entry.pk)
    expect(page.locator(f"main #homework-{essay.pk} .badge-done")).to_be_visible()
    journey.check()
    journey.follow(f"main nav.sub-nav a[href='{journey.route('homework:todo')}']")
    journey.follow(f"main a[href='{journey.route('homework:planner-create')}']")
    page.fill("#id_title", "Relire la rédaction")
    page.fill("#id_due_on", following.date.isoformat())
    journey.submit("main form.form button[type=submit]")
    journey.assert_at("homework:todo")
    expect(page.locator("main .planner-item")).to_contain_text("Relire la rédaction")
    journey.check()

    # The teacher sees who has handed in, and returns feedback.
    context, teacher = _journey(browser, live_server, guard, "desktop")
    try:
        teacher.sign_in(a.teacher.username)
        teacher.open("homework:entry-detail", entry.pk)
        teacher.follow(f"main a[href='{teacher.route('homework:submission-list', essay.pk)}']")
        expect(teacher.page.locator("main table")).to_contain_text("volcans.pdf")
        teacher.follow("main table a[href$='/retour/']")
        teacher.page.fill("#id_feedback", "Très bien, quelques fautes.")
        teacher.submit("main form.form button[type=submit]")
        teacher.assert_at("homework:submission-list", essay.pk)
        teacher.check()
    finally:
        context.close()
