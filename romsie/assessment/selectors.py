"""Reads of marks and report cards. Each starts from ``access`` or takes objects it already checked.

Parts, each in its section: results (averages of a class or a student over a period, shared by
every page), assessments and marks, competencies, councils and report cards, families.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from romsie.core.access.scope import Scope
from romsie.identity.models import User
from romsie.schooling.models import Enrollment, GroupMembership, Period, Teaching

from . import access, averages
from .models import Assessment, AssessmentSettings, CompetencyEvaluation, Mark, ReportComment, SubjectWeight

# -- Results: averages over a period (one query for the marks, one for the weights) -------------------


@dataclass(frozen=True)
class SubjectLine:
    """A subject in a set of results, with its weight and the class figures of its averages."""

    subject_id: int
    name: str
    weight: Decimal
    figures: averages.Stats | None


@dataclass
class Results:
    """Averages of students over a period, unrounded (``averages.rounded`` for display).

    ``cells[student][subject]`` are the student's counted cells in the subject (what the
    "what if" simulation adds to); ``subject_averages[student][subject]`` and ``overall[student]``
    the averages; ``subjects`` the subjects in name order with their weights and class figures;
    ``assessment_figures[assessment]`` each assessment's class figures on its own scale.
    """

    subjects: list[SubjectLine] = field(default_factory=list)
    cells: dict[int, dict[int, list[averages.Cell]]] = field(default_factory=dict)
    subject_averages: dict[int, dict[int, Decimal | None]] = field(default_factory=dict)
    overall: dict[int, Decimal | None] = field(default_factory=dict)
    assessment_figures: dict[int, averages.Stats | None] = field(default_factory=dict)

    def average(self, student_id: int, subject_id: int) -> Decimal | None:
        return self.subject_averages.get(student_id, {}).get(subject_id)


def subject_weights(establishment_id: int, level_id: int | None) -> dict[int, Decimal]:
    """The subjects' weights for a level: the level's own, else the establishment's for every level."""
    weights: dict[int, Decimal] = {}
    rows = SubjectWeight.objects.filter(establishment_id=establishment_id).filter(
        Q(level__isnull=True) | Q(level_id=level_id)
    )
    # Every-level weights first, so a level's own weight replaces them.
    for subject_id, _level, weight in sorted(
        rows.values_list("subject_id", "level_id", "weight"), key=lambda row: row[1] is not None
    ):
        weights[subject_id] = weight
    return weights


def period_results(
    *,
    establishment_id: int,
    period_id: int,
    teaching_ids: Iterable[int],
    level_id: int | None,
    student_ids: Iterable[int] | None = None,
    published_on: datetime.date | None = None,
) -> Results:
    """The averages of the students (every student with a mark when ``student_ids`` is None) in
    the teachings over the period; with ``published_on``, only assessments published that day.

    Two queries whatever the numbers of students, subjects and assessments.
    """
    marks = Mark.objects.filter(
        establishment_id=establishment_id,
        assessment__period_id=period_id,
        assessment__teaching_id__in=list(teaching_ids),
        assessment__graded=True,
    )
    if published_on is not None:
        marks = marks.filter(assessment__publish_on__lte=published_on)
    rows = marks.values_list(
        "student_id",
        "assessment_id",
        "value",
        "status",
        "assessment__out_of",
        "assessment__weight",
        "assessment__teaching__subject_id",
        "assessment__teaching__subject__name",
    )
    wanted = set(student_ids) if student_ids is not None else None
    weights = subject_weights(establishment_id, level_id)
    names: dict[int, str] = {}
    by_assessment: dict[int, list[averages.Cell]] = defaultdict(list)
    everyone: dict[int, dict[int, list[averages.Cell]]] = {}
    for student_id, assessment_id, value, status, out_of, weight, subject_id, subject_name in rows:
        cell = averages.Cell(value, status, out_of, weight)
        by_assessment[assessment_id].append(cell)
        names[subject_id] = subject_name
        everyone.setdefault(student_id, {}).setdefault(subject_id, []).append(cell)
    all_averages = {
        student_id: {subject_id: averages.subject_average(cells) for subject_id, cells in subjects.items()}
        for student_id, subjects in everyone.items()
    }
    results = Results()
    # The class figures are over every student with marks, whoever the results are for.
    for assessment_id, cells in by_assessment.items():
        results.assessment_figures[assessment_id] = averages.assessment_stats(cells)
    for subject_id in sorted(names, key=lambda pk: (names[pk], pk)):
        figures = averages.stats(subjects.get(subject_id) for subjects in all_averages.values())
        results.subjects.append(
            SubjectLine(subject_id, names[subject_id], weights.get(subject_id, Decimal(1)), figures)
        )
    for student_id in wanted if wanted is not None else everyone:
        student_averages = all_averages.get(student_id, {})
        results.cells[student_id] = everyone.get(student_id, {})
        results.subject_averages[student_id] = student_averages
        results.overall[student_id] = averages.overall_average(
            (average, weights.get(subject_id, Decimal(1))) for subject_id, average in student_averages.items()
        )
    return results


# -- Competencies: the cycle of a level, a student's level per national component ---------------------

# The school cycle of each national level code (cycle 1 is the nursery school's).
CYCLE_OF_LEVEL = {
    "PS": 1, "MS": 1, "GS": 1,
    "CP": 2, "CE1": 2, "CE2": 2,
    "CM1": 3, "CM2": 3, "6E": 3,
    "5E": 4, "4E": 4, "3E": 4,
}  # fmt: skip


def cycle_of_level(level_code: str) -> int | None:
    """The cycle (1 to 4) of a national level code, None for the lycée's levels."""
    return CYCLE_OF_LEVEL.get(level_code)


def component_levels(*, establishment_id: int, student_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Each student's level (1 to 4) on each national component they were evaluated on.

    A component's level is the mean, rounded half up, of the latest level of each competency
    evaluated under it (the component itself or its items). One query for any number of students.
    """
    latest: dict[tuple[int, int], tuple[datetime.date, int, int, str]] = {}
    rows = CompetencyEvaluation.objects.filter(
        establishment_id=establishment_id, student_id__in=list(student_ids)
    ).values_list(
        "student_id", "competency_id", "date", "pk", "level", "competency__code", "competency__component__code"
    )
    for student_id, competency_id, date, pk, level, code, component_code in rows:
        key = (student_id, competency_id)
        if key not in latest or (date, pk) > latest[key][:2]:
            latest[key] = (date, pk, level, component_code or code)
    levels: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for (student_id, _competency), (_date, _pk, level, component) in latest.items():
        levels[student_id][component].append(level)
    return {
        student_id: {
            component: int((Decimal(sum(values)) / len(values)).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
            for component, values in components.items()
        }
        for student_id, components in levels.items()
    }


# -- Assessments, marks and averages: a teacher's assessments, the grid, the gradebook -------------------


@dataclass
class TeachingAssessments:
    """One of the person's teachings with its number of students and its assessments of a period
    (each carries ``marks_count``)."""

    teaching: Teaching
    student_count: int
    assessments: list[Assessment]


def teacher_assessments(scope: Scope, period: Period | None) -> list[TeachingAssessments]:
    """The person's teachings, each with its assessments of the period: four queries, whatever the numbers."""
    teachings = list(
        access.own_teachings(scope)
        .select_related("subject", "school_class", "teaching_group")
        .order_by("subject__name", "school_class__name", "teaching_group__name", "pk")
    )
    class_counts = dict(
        Enrollment.objects.filter(
            school_class_id__in=[t.school_class_id for t in teachings if t.school_class_id], student__is_active=True
        )
        .values("school_class_id")
        .annotate(n=Count("student_id", distinct=True))
        .values_list("school_class_id", "n")
    )
    group_counts = dict(
        GroupMembership.objects.filter(
            teaching_group_id__in=[t.teaching_group_id for t in teachings if t.teaching_group_id],
            student__is_active=True,
        )
        .values("teaching_group_id")
        .annotate(n=Count("student_id", distinct=True))
        .values_list("teaching_group_id", "n")
    )
    by_teaching: dict[int, list[Assessment]] = defaultdict(list)
    if period is not None:
        for assessment in (
            Assessment.objects.filter(teaching_id__in=[t.pk for t in teachings], period=period)
            .annotate(marks_count=Count("marks"))
            .order_by("date", "pk")
        ):
            by_teaching[assessment.teaching_id].append(assessment)
    return [
        TeachingAssessments(
            teaching,
            class_counts.get(teaching.school_class_id or 0, 0)
            if teaching.school_class_id
            else group_counts.get(teaching.teaching_group_id or 0, 0),
            by_teaching[teaching.pk],
        )
        for teaching in teachings
    ]


def mark_cell(mark: Mark, assessment: Assessment) -> averages.Cell:
    """A mark as the averages see it."""
    return averages.Cell(mark.value, mark.status, assessment.out_of, assessment.weight)


@dataclass
class Grid:
    """An assessment's grid: each student of the teaching with their mark (None: none yet), the class figures."""

    assessment: Assessment
    rows: list[tuple[User, Mark | None]]
    figures: averages.Stats | None


def assessment_grid(assessment: Assessment) -> Grid:
    """The grid of an assessment: two queries, whatever the number of students."""
    students = list(access.teaching_students(assessment.teaching))
    marks = {mark.student_id: mark for mark in Mark.objects.filter(assessment=assessment)}
    figures = assessment_figures(assessment, marks.values())
    return Grid(assessment, [(student, marks.get(student.pk)) for student in students], figures)


def assessment_figures(assessment: Assessment, marks: Iterable[Mark]) -> averages.Stats | None:
    """The class figures of an assessment over its marks that count, on its own scale."""
    return averages.assessment_stats(mark_cell(mark, assessment) for mark in marks)


def mark_count(assessment: Assessment) -> int:
    """How many cells of an assessment hold a mark or a status."""
    return Mark.objects.filter(assessment=assessment).count()


def current_assessment_figures(assessment: Assessment) -> averages.Stats | None:
    """The class figures as saved now (one query)."""
    return assessment_figures(assessment, Mark.objects.filter(assessment=assessment).only("value", "status"))


@dataclass
class GradebookRow:
    """A student's line in a gradebook: a mark (or None) per assessment, the subject average."""

    student: User
    marks: list[Mark | None]
    average: Decimal | None

    @property
    def shown_average(self) -> Decimal | None:
        """The average as shown (``averages.rounded``)."""
        return averages.rounded(self.average)


@dataclass
class Gradebook:
    """A teaching's marks over a period: students × assessments, averages and class figures."""

    teaching: Teaching
    period: Period
    assessments: list[tuple[Assessment, averages.Stats | None]]
    rows: list[GradebookRow]
    average_figures: averages.Stats | None


def teaching_level_id(teaching: Teaching) -> int | None:
    """The level whose subject weights apply to a teaching (its class's), None for a group."""
    return teaching.school_class.level_id if teaching.school_class_id and teaching.school_class else None


def teaching_results(teaching: Teaching, period: Period, students: list[User]) -> Results:
    """The students' results in one teaching over a period (two queries: ``period_results``)."""
    return period_results(
        establishment_id=teaching.establishment_id,
        period_id=period.pk,
        teaching_ids=[teaching.pk],
        level_id=teaching_level_id(teaching),
        student_ids=[student.pk for student in students],
    )


def gradebook(teaching: Teaching, period: Period) -> Gradebook:
    """The gradebook of a teaching for a period: five queries whatever the numbers of students and
    assessments (students, assessments, marks, then the averages' marks and weights)."""
    students = list(access.teaching_students(teaching))
    assessments = list(Assessment.objects.filter(teaching=teaching, period=period).order_by("date", "pk"))
    marks = {
        (mark.student_id, mark.assessment_id): mark
        for mark in Mark.objects.filter(assessment__teaching=teaching, assessment__period=period)
    }
    results = teaching_results(teaching, period, students)
    rows = [
        GradebookRow(
            student,
            [marks.get((student.pk, assessment.pk)) for assessment in assessments],
            results.average(student.pk, teaching.subject_id),
        )
        for student in students
    ]
    return Gradebook(
        teaching,
        period,
        [(assessment, results.assessment_figures.get(assessment.pk)) for assessment in assessments],
        rows,
        averages.stats(row.average for row in rows),
    )


@dataclass
class CommentRow:
    """A student's report-card comment for a teaching and period (None: none yet), beside their average."""

    student: User
    comment: ReportComment | None
    average: Decimal | None

    @property
    def shown_average(self) -> Decimal | None:
        """The average as shown (``averages.rounded``)."""
        return averages.rounded(self.average)


def report_comment_rows(teaching: Teaching, period: Period) -> list[CommentRow]:
    """Each student of the teaching with their comment and subject average: four queries."""
    students = list(access.teaching_students(teaching))
    comments = {row.student_id: row for row in ReportComment.objects.filter(teaching=teaching, period=period)}
    results = teaching_results(teaching, period, students)
    return [
        CommentRow(student, comments.get(student.pk), results.average(student.pk, teaching.subject_id))
        for student in students
    ]


def assessment_settings(establishment_id: int) -> AssessmentSettings:
    """The establishment's marks settings (the defaults, unsaved, until the head saves them)."""
    return AssessmentSettings.objects.filter(establishment_id=establishment_id).first() or AssessmentSettings(
        establishment_id=establishment_id
    )


def subject_weight_list(establishment_id: int) -> list[SubjectWeight]:
    """The subjects' weights the establishment set, by subject then level (every level first)."""
    return list(
        SubjectWeight.objects.filter(establishment_id=establishment_id)
        .select_related("subject", "level")
        .order_by("subject__name", "level__order", "level_id", "pk")
    )
