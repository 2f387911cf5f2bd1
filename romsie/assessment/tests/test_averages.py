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
