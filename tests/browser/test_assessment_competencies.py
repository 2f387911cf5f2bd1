"""A primary-school teacher evaluates a class on a competency on a phone; the parent sees the child's level."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from romsie.assessment.models import Competency, CompetencyEvaluation
from romsie.assessment.tests.builders import assessment_for, enable
from romsie.assessment.tests.builders_competencies import evaluation_for, item_for, more_students
from romsie.core.testing.world import World

from .support import Journey


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_primary_teacher_evaluates_by_keyboard_and_touch_and_the_parent_sees_it(
    journey: Journey, world: World, another_journey: Callable[[str], Journey]
) -> None:
    b = world.b
    enable(b)
    item = item_for(b, code="LIRE", name="Lire un album à voix haute", cycle=3)
    (other,) = more_students(b, 1)
    evaluation_for(b, item, level=2, student=other, days_ago=7, teacher=b.head)
    page = journey.page

    # The teacher's landing in marks and report cards is the competencies page (a primary school).
    journey.sign_in(b.teacher.username)
    journey.open("assessment:home")
    journey.assert_at("assessment:competency-list")
    expect(page.locator("main")).to_contain_text("Lire un album à voix haute")
    journey.follow(f"main a[href='{journey.route('assessment:competency-grid')}?enseignement={b.teaching.pk}']")
    page.select_option("#id_competence", str(item.pk))
    journey.submit("main form.comp-chooser button[type=submit]")
    journey.check()
    expect(page.locator("main h2#grid-heading")).to_have_text("Lire un album à voix haute")
    # The other student's earlier level shows, by its colour and its words.
    expect(page.locator(".comp-row").nth(0).locator(".comp-previous .comp-level-2")).to_have_count(1)

    # By keyboard: into the child's group, arrows move between the levels.
    child_none = page.locator(f"#id_level-{b.student.pk}-{item.pk}_0")
    child_none.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"#id_level-{b.student.pk}-{item.pk}_3")).to_be_checked()  # satisfactory mastery
    # By touch: a tap on the other student's "very good mastery".
    page.locator(f"label[for='id_level-{other.pk}-{item.pk}_4']").tap()
    expect(page.locator(f"#id_level-{other.pk}-{item.pk}_4")).to_be_checked()
    journey.check()
    journey.submit("main form.comp-grid button[type=submit]")
    journey.assert_at("assessment:competency-grid")
    journey.check()
    levels = dict(CompetencyEvaluation.objects.filter(evaluated_by=b.teacher).values_list("student_id", "level"))
    assert levels == {b.student.pk: 3, other.pk: 4}

    # An assessment without marks assesses the item: on a phone its cells stack under each student.
    assessment = assessment_for(b, title="Lecture d'album")
    assessment.graded = False
    assessment.save()
    assessment.competencies.set([item])
    journey.open("assessment:assessment-competencies", assessment.pk)
    page.locator(f"#id_level-{b.student.pk}-{item.pk}").select_option("2")
    journey.submit("main form.comp-assessment button[type=submit]")
    journey.check()
    # Same teacher, competency and day: the assessment's level replaced the grid's.
    assert CompetencyEvaluation.objects.get(student=b.student, evaluated_by=b.teacher).level == 2
    assert CompetencyEvaluation.objects.get(student=b.student, evaluated_by=b.teacher).assessment == assessment

    # The parent, on their phone, lands on the child's competencies and sees the level.
    parent = another_journey("phone")
    parent.sign_in(b.parent.username)
    parent.open("assessment:home")
    parent.assert_at("assessment:my-competencies")
    main = parent.page.locator("main")
    expect(main).to_contain_text("Lire un album à voix haute")
    expect(main.locator(".comp-history .comp-level-2")).to_have_count(1)
    expect(main.locator(".comp-summary .comp-level-2")).to_have_count(1)  # its component's level
    expect(main).to_contain_text("Lecture d'album")
    expect(main).not_to_contain_text(other.last_name)


@pytest.mark.parametrize("viewport", ["desktop"])
def test_a_collège_teacher_adds_an_item_and_evaluates_an_assessment_the_head_reads_the_class(
    journey: Journey, world: World, another_journey: Callable[[str], Journey]
) -> None:
    a = world.a
    enable(a)
    page = journey.page

    # The teacher adds an item of the establishment.
    journey.sign_in(a.teacher.username)
    journey.open("assessment:competency-list")
    journey.follow(f"main a[href='{journey.route('assessment:competency-create')}']")
    page.select_option("#id_cycle", "3")
    page.fill("#id_name", "Résoudre un problème à étapes")
    journey.check()
    journey.submit("main form button[type=submit]")
    journey.assert_at("assessment:competency-list")
    journey.check()
    expect(page.locator("main")).to_contain_text("Résoudre un problème à étapes")
    item = Competency.objects.get(establishment=a.establishment, name="Résoudre un problème à étapes")

    # Not evaluated yet, it could still be deleted.
    journey.open("assessment:competency-delete", item.pk)
    expect(page.locator("main form button.danger")).to_be_visible()

    # An assessment assesses it: a select per cell, keyboard only.
    assessment = assessment_for(a, title="Problèmes")
    assessment.competencies.set([item])
    journey.open("assessment:assessment-competencies", assessment.pk)
    cell = page.locator(f"#id_level-{a.student.pk}-{item.pk}")
    cell.focus()
    cell.select_option("4")
    journey.submit("main form.comp-assessment button[type=submit]")
    journey.assert_at("assessment:assessment-competencies", assessment.pk)
    journey.check()
    expect(cell).to_have_value("4")

    # The head reads the class per component, then the student's record.
    head = another_journey("desktop")
    head.sign_in(a.head.username)
    head.open("assessment:competency-class", a.school_class.pk)
    expect(head.page.locator("main .comp-class .comp-level-4")).to_have_count(1)
    head.follow(f"main a[href='{head.route('assessment:competency-record', a.student.pk)}']")
    expect(head.page.locator("main .comp-history .comp-level-4")).to_have_count(1)
    expect(head.page.locator("main")).to_contain_text("Problèmes")
