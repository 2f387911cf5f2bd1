"""The averages' rules, with the worked examples of ``docs/assessment.md``."""

from __future__ import annotations

from decimal import Decimal as D

from romsie.assessment.averages import (
    Cell,
    assessment_stats,
    overall_average,
    rounded,
    stats,
    subject_average,
)


def cell(value: str | None, out_of: str = "20", weight: str = "1", status: str = "") -> Cell:
    return Cell(D(value) if value is not None else None, status, D(out_of), D(weight))


def test_marks_are_brought_back_to_twenty_and_weighted() -> None:
    # 12/20 weight 1, 30/40 (15/20) weight 2, 4/5 (16/20) weight 0.5:
    # (12 + 2 × 15 + 0.5 × 16) / 3.5 = 50 / 3.5 = 14.2857…
    average = subject_average([cell("12"), cell("30", "40", "2"), cell("4", "5", "0.5")])
    assert rounded(average) == D("14.29")


def test_absent_exempt_and_not_marked_do_not_count_not_handed_in_counts_zero() -> None:
    cells = [
        cell("16"),
        cell(None, status="absent"),
        cell(None, status="exempt"),
        cell(None, status="not_marked"),
        cell(None, status="not_handed_in"),
    ]
    # (16 + 0) / 2 = 8
    assert subject_average(cells) == D(8)
    # Only absences: no average, never 0.
    assert subject_average([cell(None, status="absent")]) is None
    assert subject_average([]) is None


def test_overall_average_weights_subjects_and_leaves_out_those_without_average() -> None:
    # French 12 weight 4, maths 15 weight 3, art none weight 1: (48 + 45) / 7 = 13.2857…
    assert rounded(overall_average([(D(12), D(4)), (D(15), D(3)), (None, D(1))])) == D("13.29")
    assert overall_average([(None, D(1))]) is None


def test_rounding_happens_once_half_up() -> None:
    # Subject averages 12.345 and 12.345 (unrounded) give 12.345 → 12.35, not 12.34 (banker's)
    # and not a rounding of rounded figures.
    assert rounded(D("12.345")) == D("12.35")
    assert rounded(D("12.344999")) == D("12.34")
    third = subject_average([cell("10"), cell("10"), cell("11")])  # 31/3 = 10.333…
    assert rounded(overall_average([(third, D(1)), (third, D(2))])) == D("10.33")


def test_class_figures() -> None:
    figures = assessment_stats([cell("8", "10"), cell("5", "10"), cell(None, "10", status="absent"), cell("2", "10")])
    assert figures is not None
    assert (figures.minimum, figures.maximum, figures.mean, figures.count) == (D(2), D(8), D(5), 3)
    assert stats([None, None]) is None


def test_period_results_of_a_class_in_two_queries(world, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    from romsie.assessment.models import SubjectWeight
    from romsie.assessment.selectors import period_results
    from romsie.core.testing import factories as f

    from .builders import assessment_for, mark_for, period_of

    ew = world.a
    other_subject = f.SubjectFactory(establishment=ew.establishment, code="FRA", name="Français")
    french = f.TeachingFactory(school_class=ew.school_class, teacher=ew.teacher, subject=other_subject)
    SubjectWeight.objects.create(establishment=ew.establishment, subject=other_subject, weight=D(3))
    maths1 = assessment_for(ew, out_of="10")
    maths2 = assessment_for(ew, weight="2")
    essay = assessment_for(ew, teaching=french)
    classmate = f.person(ew.establishment, "student", username="classmate.a")
    f.EnrollmentFactory(school_class=ew.school_class, student=classmate)
    mark_for(maths1, ew.student.pk, "5")  # 10/20
    mark_for(maths2, ew.student.pk, "16")  # (10 + 2 × 16) / 3 = 14
    mark_for(essay, ew.student.pk, None, status="absent")
    mark_for(maths1, classmate.pk, "9")  # 18
    mark_for(essay, classmate.pk, "12")
    period_id = period_of(ew).pk
    with django_assert_num_queries(2):
        results = period_results(
            establishment_id=ew.establishment.pk,
            period_id=period_id,
            teaching_ids=[ew.teaching.pk, french.pk],
            level_id=ew.school_class.level_id,
            student_ids=[ew.student.pk],
        )
    assert results.average(ew.student.pk, ew.subject.pk) == D(14)
    assert results.average(ew.student.pk, other_subject.pk) is None
    assert results.overall[ew.student.pk] == D(14)  # French has no average: left out
    assert list(results.cells) == [ew.student.pk]
    maths_line = next(line for line in results.subjects if line.subject_id == ew.subject.pk)
    assert maths_line.figures is not None
    assert (maths_line.figures.minimum, maths_line.figures.maximum) == (D(14), D(18))
    figures = results.assessment_figures[maths1.pk]
    assert figures is not None and figures.mean == D(7)
