"""A parent sees a mark published today on a phone, not one published later (until its day comes);
a student tries a "what if"."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from romsie.assessment.tests.builders import enable, period_of
from romsie.assessment.tests.builders_family import marked
from romsie.core.testing.world import World

from .support import Journey


@pytest.mark.parametrize("viewport", ["phone"])
def test_parent_sees_published_marks_on_a_phone_and_a_student_runs_a_what_if(
    journey: Journey, world: World, another_journey: Callable[[str], Journey]
) -> None:
    a = world.a
    enable(a)
    period_of(a)
    shown = marked(a, "15.5", title="Fractions", days_ago=1, others=("9", "12"))
    later = marked(a, "11", title="Géométrie", days_ago=0, publish_in=3)
    page = journey.page

    # The parent, on a phone: the dashboard's widget shows the published mark only.
    journey.sign_in(a.parent.username)
    widget = page.locator("section[aria-labelledby=widget-assessment]")
    expect(widget).to_contain_text("Fractions")
    expect(widget).not_to_contain_text("Géométrie")
    journey.follow(f"section[aria-labelledby=widget-assessment] a[href='{journey.route('assessment:my-marks')}']")
    expect(page.locator(f"#mark-{shown.pk}")).to_be_visible()
    expect(page.locator(f"#mark-{shown.pk}")).to_contain_text("15,5")
    expect(page.locator(f"#mark-{later.pk}")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Géométrie")

    # Its publication day comes (the teacher moves it to today): visible on reload, widget too.
    later.publish_on = timezone.localdate()
    later.save()
    page.reload()
    journey.check()
    expect(page.locator(f"#mark-{later.pk}")).to_be_visible()
    journey.follow("main a[href*='vue=recentes']")
    expect(page.locator(f"#mark-{later.pk}")).to_be_visible()
    journey.open("core:dashboard")
    expect(page.locator("section[aria-labelledby=widget-assessment]")).to_contain_text("Géométrie")

    # The student, on a phone, adds two hypothetical marks, one wrong at first.
    student = another_journey("phone")
    student.sign_in(a.student.username)
    student.open("assessment:what-if")
    student.page.fill("#id_hyp-0-value", "25")
    student.submit("main form button[name=add]")
    student.check()
    expect(student.page.locator("#id_hyp-0-value_error")).to_be_visible()
    expect(student.page.locator("#id_hyp-0-value")).to_have_value("25")
    student.page.fill("#id_hyp-0-value", "18")
    student.page.fill("#id_hyp-1-value", "6")
    student.page.fill("#id_hyp-1-out_of", "10")
    student.submit("main form button[name=compute]")
    student.check()
    # Maths now: (15.5 + 11) / 2 = 13.25; with 18/20 and 12/20: (15.5 + 11 + 18 + 12) / 4 = 14.125.
    expect(student.page.locator("#what-if-overall")).to_contain_text("14,13")
    expect(student.page.locator("#what-if-result")).to_contain_text("13,25")
    assert later.marks.get().value == 11  # nothing was written
