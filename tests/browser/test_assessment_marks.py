"""A teacher creates an assessment and enters its marks by keyboard on a desktop, pastes a column from a
spreadsheet, corrects a mark out of the scale, and finds everything after a reload; the grid on a phone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from romsie.assessment import access
from romsie.assessment.models import Assessment, Mark, ReportComment
from romsie.assessment.tests.builders import assessment_for, enable, period_of
from romsie.assessment.tests.builders_marks import add_students
from romsie.core.testing.world import World

from .support import Journey

PASTE_TEXT_SCRIPT = """([selector, text]) => {
    const input = document.querySelector(selector);
    input.focus();
    const data = new DataTransfer();
    data.setData("text/plain", text);
    input.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
}"""


def _setup(world: World) -> list[int]:
    enable(world.a)
    period_of(world.a)
    add_students(world, 5)
    return list(access.teaching_students(world.a.teaching).values_list("pk", flat=True))


def _saved(page, pk: int) -> None:
    """Wait for the row to say it is saved (in the page's language)."""
    saved = page.get_attribute("#marks-grid", "data-saved")
    expect(page.locator(f"tr[data-student='{pk}'] .grid-saving")).to_have_text(saved)


@pytest.mark.parametrize("viewport", ["desktop"])
def test_a_teacher_enters_a_grid_by_keyboard_and_pastes_a_column(journey: Journey, world: World) -> None:
    students = _setup(world)
    page = journey.page
    journey.sign_in(world.a.teacher.username)
    journey.open("assessment:assessment-list")
    journey.follow(f"main a[href$='?enseignement={world.a.teaching.pk}']")
    page.fill("#id_title", "Fractions")
    page.fill("#id_weight", "2")
    # The competencies assessed, found with the filter.
    page.fill("#competency-filter", "mathematiques")
    visible = page.locator("#id_competencies input[type=checkbox]:visible")
    expect(visible).to_have_count(1)
    visible.check()
    page.fill("#competency-filter", "")
    expect(page.locator("#id_competencies input[type=checkbox]:visible")).to_have_count(8)
    journey.check()
    journey.submit("main form button[type=submit]")
    assessment = Assessment.objects.get()
    journey.assert_at("assessment:grid", assessment.pk)
    assert list(assessment.competencies.values_list("code", flat=True)) == ["CPD_SCI"]
    assert assessment.weight == 2
    journey.check()

    # Keyboard only: type, arrow down, type, arrow down.
    page.focus(f"#id_mark-{students[0]}")
    page.keyboard.type("12")
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#id_mark-{students[1]}")).to_be_focused()
    page.keyboard.type("15,5")
    page.keyboard.press("ArrowDown")
    _saved(page, students[0])
    _saved(page, students[1])
    # Right moves to the status, Left comes back; Enter moves down.
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"#id_status-{students[2]}")).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(page.locator(f"#id_mark-{students[2]}")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator(f"#id_mark-{students[1]}")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f"#id_mark-{students[2]}")).to_be_focused()

    # A column copied from a spreadsheet fills the cells below, statuses included.
    page.evaluate(PASTE_TEXT_SCRIPT, [f"#id_mark-{students[2]}", "8\n9.5\nabs\n"])
    for pk in students[2:5]:
        _saved(page, pk)
    expect(page.locator(f"#id_status-{students[4]}")).to_have_value("absent")
    expect(page.locator("#grid-figures [data-figure='count']")).to_have_text("4")

    # 25 out of 20: an error in that cell, tied to it; then fixed.
    page.focus(f"#id_mark-{students[5]}")
    page.keyboard.type("25")
    page.keyboard.press("Enter")
    error = page.locator(f"#grid-error-{students[5]}")
    expect(error).to_be_visible()
    expect(error).to_contain_text("20")
    expect(page.locator(f"#id_mark-{students[5]}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#id_mark-{students[5]}")).to_have_attribute("aria-describedby", f"grid-error-{students[5]}")
    journey.check()
    page.focus(f"#id_mark-{students[5]}")
    page.keyboard.press("Control+A")
    page.keyboard.type("18")
    page.keyboard.press("Enter")
    _saved(page, students[5])
    expect(error).to_be_hidden()

    # After a reload, every mark is there.
    page.reload()
    journey.check()
    expect(page.locator(f"#id_mark-{students[0]}")).to_have_value("12")
    expect(page.locator(f"#id_mark-{students[1]}")).to_have_value("15,5")
    expect(page.locator(f"#id_status-{students[4]}")).to_have_value("absent")
    expect(page.locator(f"#id_mark-{students[5]}")).to_have_value("18")
    saved = dict(Mark.objects.values_list("student_id", "value"))
    assert saved == {
        students[0]: Decimal(12),
        students[1]: Decimal("15.5"),
        students[2]: Decimal(8),
        students[3]: Decimal("9.5"),
        students[4]: None,
        students[5]: Decimal(18),
    }

    # The gradebook shows them, and its average.
    page.goto(journey.url("assessment:gradebook", world.a.teaching.pk))
    journey.check()
    expect(page.locator("main table.gradebook tbody")).to_contain_text("15,50")

    # Report-card comments, with a counter of characters.
    journey.follow("main a[href*='/appreciations/']")
    comment = page.locator(f"#id_comment-{students[0]}")
    comment.fill("Bon travail.")
    expect(page.locator(f"#id_comment-{students[0]}_counter")).to_contain_text("12")
    expect(page.locator(f"#id_comment-{students[0]}_counter")).to_contain_text("2000")
    journey.check()
    journey.submit("main form.form button[type=submit]")
    journey.check()
    assert ReportComment.objects.get().text == "Bon travail."


@pytest.mark.parametrize("viewport", ["phone"])
def test_the_grid_works_on_a_phone(journey: Journey, world: World) -> None:
    students = _setup(world)
    assessment = assessment_for(world.a)
    page = journey.page
    journey.sign_in(world.a.teacher.username)
    journey.open("assessment:grid", assessment.pk)
    mark = page.locator(f"#id_mark-{students[0]}")
    expect(mark).to_have_attribute("inputmode", "decimal")
    assert mark.bounding_box()["height"] >= 40, "a big input for a finger"
    mark.fill("14")
    mark.press("Tab")
    page.select_option(f"#id_status-{students[1]}", "exempt")
    _saved(page, students[1])
    _saved(page, students[0])
    journey.check()
    assert dict(Mark.objects.values_list("student_id", "status")) == {students[0]: "", students[1]: "exempt"}
