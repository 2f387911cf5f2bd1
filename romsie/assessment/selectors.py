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
from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
    from romsie.core.access.scope import Scope

    from .models import ReportCard

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


# -- Families: a student's published marks, the latest marks, report cards --------------------------


@dataclass(frozen=True)
class FamilyMark:
    """One of the student's marks as families see it, with its assessment's class figures."""

    assessment_id: int
    title: str
    date: datetime.date
    subject_name: str
    out_of: Decimal
    weight: Decimal
    value: Decimal | None
    status: str
    status_label: str
    comment: str
    figures: averages.Stats | None


@dataclass
class FamilySubject:
    """A subject of the student's marks page: its teachers, marks, average and class figures."""

    subject_id: int
    name: str
    teachers: list[str]
    weight: Decimal
    marks: list[FamilyMark]
    average: Decimal | None
    figures: averages.Stats | None


@dataclass
class FamilyMarks:
    """A student's published marks over a period, by subject and newest first, with the averages."""

    subjects: list[FamilySubject]
    latest: list[FamilyMark]
    overall: Decimal | None
    results: Results
    level_id: int | None
    subject_choices: list[tuple[int, str]]


def _student_level_id(establishment_id: int, student_id: int) -> int | None:
    """The level of the student's current class (for the subjects' weights), or None."""
    from romsie.schooling.access import current_class_ids
    from romsie.schooling.models import SchoolClass

    return (
        SchoolClass.objects.filter(pk__in=current_class_ids(establishment_id, student_id))
        .order_by("pk")
        .values_list("level_id", flat=True)
        .first()
    )


def family_marks(scope: Scope, *, student_id: int, period_id: int) -> FamilyMarks:
    """The student's marks published today in the period, grouped by subject, with every average.

    Five queries whatever the numbers of subjects and assessments: the student's level, their
    teachings, their published marks, and ``period_results`` (marks of the teachings, weights).
    """
    from romsie.schooling.access import current_teaching_ids
    from romsie.schooling.models import Teaching

    from . import access
    from .models import MarkStatus

    assert scope.establishment_id is not None
    establishment_id = scope.establishment_id
    day = access.today()
    level_id = _student_level_id(establishment_id, student_id)
    teachings = list(
        Teaching.objects.filter(pk__in=current_teaching_ids(establishment_id, student_id))
        .select_related("subject", "teacher")
        .order_by("subject__name", "pk")
    )
    teaching_ids = [teaching.pk for teaching in teachings]
    teacher_of = {teaching.pk: teaching.teacher.get_full_name() for teaching in teachings}
    choices: dict[int, str] = {teaching.subject_id: teaching.subject.name for teaching in teachings}
    rows = (
        Mark.objects.filter(
            establishment_id=establishment_id,
            student_id=student_id,
            assessment__period_id=period_id,
            assessment__graded=True,
            assessment__teaching_id__in=teaching_ids,
            assessment_id__in=access.visible_assessments(scope).values("pk"),
        )
        .order_by("-assessment__date", "-assessment_id")
        .values_list(
            "assessment_id",
            "assessment__title",
            "assessment__date",
            "assessment__out_of",
            "assessment__weight",
            "assessment__teaching_id",
            "assessment__teaching__subject_id",
            "value",
            "status",
            "comment",
        )
    )
    results = period_results(
        establishment_id=establishment_id,
        period_id=period_id,
        teaching_ids=teaching_ids,
        level_id=level_id,
        student_ids=[student_id],
        published_on=day,
    )
    labels = dict(MarkStatus.choices)
    lines = {line.subject_id: line for line in results.subjects}
    subjects: dict[int, FamilySubject] = {}
    latest: list[FamilyMark] = []
    for assessment_id, title, date, out_of, weight, teaching_id, subject_id, value, status, comment in rows:
        line = lines.get(subject_id)
        mark = FamilyMark(
            assessment_id=assessment_id,
            title=title,
            date=date,
            subject_name=choices.get(subject_id, line.name if line else ""),
            out_of=out_of,
            weight=weight,
            value=value,
            status=status,
            status_label=str(labels[status]) if status else "",
            comment=comment,
            figures=results.assessment_figures.get(assessment_id),
        )
        latest.append(mark)
        subject = subjects.get(subject_id)
        if subject is None:
            subject = subjects[subject_id] = FamilySubject(
                subject_id=subject_id,
                name=mark.subject_name,
                teachers=[],
                weight=line.weight if line else Decimal(1),
                marks=[],
                average=results.average(student_id, subject_id),
                figures=line.figures if line else None,
            )
        if teacher_of.get(teaching_id) and teacher_of[teaching_id] not in subject.teachers:
            subject.teachers.append(teacher_of[teaching_id])
        subject.marks.append(mark)
    return FamilyMarks(
        subjects=sorted(subjects.values(), key=lambda s: (s.name, s.subject_id)),
        latest=latest,
        overall=results.overall.get(student_id),
        results=results,
        level_id=level_id,
        subject_choices=sorted(choices.items(), key=lambda item: (item[1], item[0])),
    )


@dataclass(frozen=True)
class WhatIf:
    """The averages with hypothetical marks added, next to the real ones (nothing is stored)."""

    subjects: list[tuple[str, Decimal | None, Decimal | None]]  # name, real average, simulated
    overall: Decimal | None
    simulated_overall: Decimal | None


def what_if(
    marks: FamilyMarks, hypotheses: Iterable[tuple[int, averages.Cell]], *, establishment_id: int, student_id: int
) -> WhatIf:
    """The student's subject and overall averages with the hypothetical cells added to theirs."""
    cells: dict[int, list[averages.Cell]] = {
        subject_id: list(subject_cells) for subject_id, subject_cells in marks.results.cells.get(student_id, {}).items()
    }
    touched: set[int] = set()
    for subject_id, cell in hypotheses:
        cells.setdefault(subject_id, []).append(cell)
        touched.add(subject_id)
    weights = {line.subject_id: line.weight for line in marks.results.subjects}
    if touched - set(weights):
        # A subject without any mark yet: the weights are read (one query, only then).
        weights = subject_weights(establishment_id, marks.level_id) | weights
    real = {subject_id: marks.results.average(student_id, subject_id) for subject_id in cells}
    simulated = {subject_id: averages.subject_average(subject_cells) for subject_id, subject_cells in cells.items()}
    names = dict(marks.subject_choices) | {line.subject_id: line.name for line in marks.results.subjects}
    rows = [
        (names.get(subject_id, ""), real[subject_id], simulated[subject_id])
        for subject_id in sorted(cells, key=lambda pk: (names.get(pk, ""), pk))
    ]
    return WhatIf(
        subjects=rows,
        overall=marks.overall,
        simulated_overall=averages.overall_average(
            (average, weights.get(subject_id, Decimal(1))) for subject_id, average in simulated.items()
        ),
    )


@dataclass(frozen=True)
class RecentMark:
    """A published mark for the dashboard: the subject, the assessment and the mark."""

    subject_name: str
    title: str
    date: datetime.date
    value: Decimal | None
    out_of: Decimal
    status_label: str


def recent_marks(scope: Scope, *, student_id: int, limit: int = 5) -> list[RecentMark]:
    """The student's latest published marks (graded assessments), newest first. One query."""
    from . import access
    from .models import MarkStatus

    labels = dict(MarkStatus.choices)
    rows = (
        Mark.objects.filter(
            establishment_id=scope.establishment_id,
            student_id=student_id,
            assessment__graded=True,
            assessment_id__in=access.visible_assessments(scope).values("pk"),
        )
        .order_by("-assessment__date", "-assessment_id")
        .values_list(
            "assessment__teaching__subject__name",
            "assessment__title",
            "assessment__date",
            "value",
            "assessment__out_of",
            "status",
        )[:limit]
    )
    return [
        RecentMark(subject, title, date, value, out_of, str(labels.get(status, "")) if status else "")
        for subject, title, date, value, out_of, status in rows
    ]


def family_report_cards(scope: Scope, *, student_id: int) -> list[ReportCard]:
    """The student's published report cards, newest period first, with their council. One query."""
    from . import access
    from .models import Council

    return list(
        access.visible_report_cards(scope)
        .filter(student_id=student_id, council__status=Council.Status.PUBLISHED)
        .select_related("council__period", "council__school_class")
        .order_by("-council__period__starts_on", "-pk")
    )
