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
from typing import Any

from django.db.models import Q

from . import averages
from .models import CompetencyEvaluation, Mark, SubjectWeight

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


# -- Class councils and report cards: a class's results, its council, its report cards -----------------


@dataclass(frozen=True)
class SheetSubject:
    """A subject a class follows in the period: its teachers and, with marks, its class figures."""

    subject_id: int
    name: str
    teachers: str
    weight: Decimal
    figures: averages.Stats | None


@dataclass
class ClassSheet:
    """Everything shown of a class for a period: results, absences, comments and decisions.

    ``comments[(student, subject)]`` are the teachers' report-card comments (joined when a
    subject has several teachings); ``decisions[student]`` the council's row for the student
    (absent until first saved); ``totals[student]`` the absences and lateness in the period.
    """

    students: list[Any]
    subjects: list[SheetSubject]
    results: Results
    totals: dict[int, Any]
    comments: dict[tuple[int, int], str]
    decisions: dict[int, Any]

    def rows(self) -> list[tuple[Any, list[tuple[SheetSubject, Decimal | None, str]], Decimal | None]]:
        """Per student: the student, (subject, average, comment) per subject, the overall average."""
        return [
            (
                student,
                [
                    (subject, self.results.average(student.pk, subject.subject_id), self.comment(student.pk, subject))
                    for subject in self.subjects
                ],
                self.results.overall.get(student.pk),
            )
            for student in self.students
        ]

    def comment(self, student_id: int, subject: SheetSubject) -> str:
        return self.comments.get((student_id, subject.subject_id), "")


def class_sheet(
    *,
    school_class: Any,
    period: Any,
    council_id: int | None = None,
    with_comments: bool = True,
) -> ClassSheet:
    """A class's sheet for a period. The class figures of a subject are over the class's students
    (a teaching group's students of other classes are left out).

    A fixed number of queries whatever the numbers of students, subjects and assessments: the
    students, the teachings, the results (2), the absences (3), the comments and the decisions.
    """
    from romsie.attendance.selectors import students_totals  # school life, below marks

    from .access import class_students, class_teachings
    from .models import CouncilDecision, ReportComment

    establishment_id = school_class.establishment_id
    students = list(class_students(school_class))
    ids = [student.pk for student in students]
    teachings = list(
        class_teachings(school_class)
        .select_related("subject", "teacher")
        .order_by("subject__name", "subject_id", "teacher__last_name", "pk")
    )
    results = period_results(
        establishment_id=establishment_id,
        period_id=period.pk,
        teaching_ids=[teaching.pk for teaching in teachings],
        level_id=school_class.level_id,
        student_ids=ids,
    )
    teachers: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    subject_of_teaching: dict[int, int] = {}
    for teaching in teachings:
        names[teaching.subject_id] = teaching.subject.name
        subject_of_teaching[teaching.pk] = teaching.subject_id
        full_name = teaching.teacher.get_full_name()
        if full_name not in teachers.setdefault(teaching.subject_id, []):
            teachers[teaching.subject_id].append(full_name)
    weights_of = {line.subject_id: line.weight for line in results.subjects}
    subjects = [
        SheetSubject(
            subject_id,
            names[subject_id],
            ", ".join(teachers[subject_id]),
            weights_of.get(subject_id, Decimal(1)),
            averages.stats(results.average(student_id, subject_id) for student_id in ids),
        )
        for subject_id in sorted(names, key=lambda pk: (names[pk], pk))
    ]
    totals = students_totals(
        establishment_id=establishment_id, student_ids=ids, first_day=period.starts_on, last_day=period.ends_on
    )
    comments: dict[tuple[int, int], str] = {}
    if with_comments and ids and subject_of_teaching:
        rows = (
            ReportComment.objects.filter(
                establishment_id=establishment_id,
                period_id=period.pk,
                teaching_id__in=list(subject_of_teaching),
                student_id__in=ids,
            )
            .exclude(text="")
            .order_by("pk")
            .values_list("student_id", "teaching_id", "text")
        )
        for student_id, teaching_id, text in rows:
            key = (student_id, subject_of_teaching[teaching_id])
            comments[key] = f"{comments[key]}\n{text}" if key in comments else text
    decisions: dict[int, Any] = {}
    if council_id is not None and ids:
        decisions = {
            decision.student_id: decision
            for decision in CouncilDecision.objects.filter(council_id=council_id, student_id__in=ids)
        }
    return ClassSheet(students, subjects, results, totals, comments, decisions)


def classes_overview(*, classes: Iterable[Any], period_id: int) -> dict[int, dict[str, Any]]:
    """Per class: its council's status and report cards' state for the period (two queries).

    ``{"council": Council | None, "cards": number of students' report cards, "run": latest run}``.
    """
    from django.db.models import Count

    from .models import Council, ReportCardRun

    class_ids = [school_class.pk for school_class in classes]
    councils = {
        council.school_class_id: council
        for council in Council.objects.filter(period_id=period_id, school_class_id__in=class_ids).annotate(
            cards=Count("report_cards", filter=Q(report_cards__student__isnull=False))
        )
    }
    latest: dict[int, Any] = {}
    runs = ReportCardRun.objects.filter(council__in=[council.pk for council in councils.values()]).order_by(
        "council_id", "-requested_at", "-pk"
    )
    for run in runs if councils else []:
        latest.setdefault(run.council_id, run)
    overview: dict[int, dict[str, Any]] = {}
    for class_id in class_ids:
        council = councils.get(class_id)
        overview[class_id] = {
            "council": council,
            "cards": getattr(council, "cards", 0) if council else 0,
            "run": latest.get(council.pk) if council else None,
        }
    return overview
