"""A teacher asks a class a quick poll, a student answers it on a phone, the teacher sees the chart."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from romsie.core.testing.world import World
from romsie.polls.models import Answer, Participation, Poll
from romsie.polls.tests.builders import enable

from .support import Journey


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_teacher_asks_a_class_a_quick_poll_a_student_answers_on_a_phone_and_the_teacher_sees_the_chart(
    journey: Journey, world: World, another_journey: Callable[[str], Journey], viewport: str
) -> None:
    a = world.a
    enable(a)
    page = journey.page

    # The teacher goes from the menu to the polls and asks the class a quick poll.
    journey.sign_in(a.teacher.username)
    journey.open_menu()
    journey.follow(f"nav.services-nav a[href='{journey.route('polls:poll-list')}']")
    journey.follow(f"main a[href='{journey.route('polls:poll-create')}']")
    page.check("input[name=kind][value=quick]")
    page.fill("#id_title", "Quelle sortie en juin ?")
    page.fill("#id_choices", "Le zoo\nLa mer\nLe musée")
    page.check("input[name=audience_roles][value=students]")
    page.check(f"input[name=audience_groups][value='class:{a.school_class.pk}']")
    journey.submit("main form.form button[type=submit]")
    poll = Poll.objects.get(title="Quelle sortie en juin ?")
    journey.assert_at("polls:poll-manage", poll.pk)
    journey.check()
    assert poll.is_published and poll.for_students and not poll.for_parents

    # The student finds it on the dashboard, on a phone, and answers there.
    student = another_journey("phone")
    student.sign_in(a.student.username)
    widget = student.page.locator("form.poll-quick")
    expect(widget).to_contain_text("Quelle sortie en juin ?")
    widget.get_by_label("La mer").check()
    student.submit("form.poll-quick button[type=submit]")
    student.assert_at("polls:poll-results", poll.pk)
    student.check()
    assert Participation.objects.filter(poll=poll, person=a.student).exists()
    assert Answer.objects.get(question__poll=poll).option.label == "La mer"

    # The teacher sees the chart: one answer of three choices, its count and share in text.
    journey.open("polls:poll-results", poll.pk)
    row = page.locator("main table.poll-chart tbody tr", has_text="La mer")
    expect(row).to_contain_text("1")
    expect(row).to_contain_text("100 %")
    expect(page.locator("main table.poll-chart tbody tr")).to_have_count(3)
