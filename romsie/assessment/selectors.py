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

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from romsie.core.access.scope import Scope
from romsie.identity.models import User
from romsie.schooling.access import current_class_ids
from romsie.schooling.models import Enrollment, GroupMembership, Period, SchoolClass, Teaching

from . import access, averages
from .models import (
    Assessment,
    AssessmentSettings,
    Competency,
    CompetencyEvaluation,
    Council,
    Mark,
    ReportCard,
    ReportComment,
    SubjectWeight,
)

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


def component_level(levels: Iterable[int]) -> int | None:
    """A national component's level: the mean of its competencies' latest levels, rounded half up."""
    values = list(levels)
    if not values:
        return None
    return int((Decimal(sum(values)) / len(values)).quantize(Decimal(1), rounding="ROUND_HALF_UP"))


# A row read for the component rule: (student, competency, date, evaluation, level, component code).
LevelRow = tuple[int, int, datetime.date, int, int, str]


def levels_by_component(rows: Iterable[LevelRow]) -> dict[int, dict[str, int]]:
    """Each student's level per component from evaluation rows (the latest per competency counts)."""
    latest: dict[tuple[int, int], tuple[datetime.date, int, int, str]] = {}
    for student_id, competency_id, date, pk, level, component in rows:
        key = (student_id, competency_id)
        if key not in latest or (date, pk) > latest[key][:2]:
            latest[key] = (date, pk, level, component)
    levels: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for (student_id, _competency), (_date, _pk, level, component) in latest.items():
        levels[student_id][component].append(level)
    found: dict[int, dict[str, int]] = {}
    for student_id, components in levels.items():
        found[student_id] = {}
        for component, values in components.items():
            mean = component_level(values)
            if mean is not None:
                found[student_id][component] = mean
    return found


def in_cycle(cycle: int | None) -> Q:
    """Evaluations of a cycle: its items and the national components themselves (no cycle)."""
    if cycle is None:
        return Q()
    return Q(competency__cycle=cycle) | Q(competency__cycle__isnull=True)


def family_visible() -> Q:
    """Evaluations families see: all but those of an assessment not yet published."""
    return Q(assessment__isnull=True) | Q(assessment__publish_on__lte=timezone.localdate())


def component_levels(
    *, establishment_id: int, student_ids: Iterable[int], cycle: int | None = None, families: bool = False
) -> dict[int, dict[str, int]]:
    """Each student's level (1 to 4) on each national component they were evaluated on.

    A component's level is the mean, rounded half up, of the latest level of each competency
    evaluated under it (the component itself or its items). With ``cycle``, only that cycle's
    items (and the components themselves) count; with ``families``, only what families see.
    One query for any number of students.
    """
    evaluations = CompetencyEvaluation.objects.filter(
        in_cycle(cycle), establishment_id=establishment_id, student_id__in=list(student_ids)
    )
    if families:
        evaluations = evaluations.filter(family_visible())
    rows = evaluations.values_list(
        "student_id", "competency_id", "date", "pk", "level", "competency__code", "competency__component__code"
    )
    return levels_by_component(
        (student_id, competency_id, date, pk, level, component_code or code)
        for student_id, competency_id, date, pk, level, code, component_code in rows
    )


@dataclass(frozen=True)
class ComponentItems:
    """A national component and the establishment's items under it (``in_use``: evaluated)."""

    component: Competency
    items: list[Competency]


def competency_tree(scope: Scope, *, cycles: Iterable[int] | None = None) -> list[ComponentItems]:
    """The national components, each with the establishment's items (of the cycles, if given).

    One query; each item carries ``in_use`` (it has evaluations, so it cannot be deleted).
    """
    wanted = set(cycles) if cycles is not None else None
    rows = (
        access.visible_competencies(scope)
        .select_related("subject")
        .annotate(in_use=Exists(CompetencyEvaluation.objects.filter(competency_id=OuterRef("pk"))))
        .order_by("order", "code", "pk")
    )
    components: list[Competency] = []
    items: dict[int, list[Competency]] = defaultdict(list)
    for competency in rows:
        if competency.component_id is None:
            components.append(competency)
        elif wanted is None or competency.cycle in wanted:
            items[competency.component_id].append(competency)
    return [ComponentItems(component, items.get(component.pk, [])) for component in components]


def assessments_with_competencies(scope: Scope, *, limit: int) -> list[Assessment]:
    """The latest assessments of one's own teachings that list competencies (one query)."""
    return list(
        access.editable_assessments(scope)
        .filter(pk__in=Assessment.competencies.through.objects.values("assessment_id"))
        .select_related("teaching__subject", "teaching__school_class", "teaching__teaching_group")
        .order_by("-date", "-pk")[:limit]
    )


def person_cycles(scope: Scope) -> set[int]:
    """The cycles of the classes the person teaches or follows (a group counts its classes)."""
    teachings = access.own_teachings(scope)
    classes = SchoolClass.objects.filter(
        Q(pk__in=teachings.values("school_class_id"))
        | Q(teaching_groups__in=teachings.values("teaching_group_id"))
        | Q(pk__in=access.followed_classes(scope).values("pk"))
    )
    codes = set(classes.values_list("level__code", flat=True))
    return {cycle for code in codes if (cycle := cycle_of_level(code)) is not None and cycle > 1}


def levels_locked(teaching: Teaching, on: datetime.date) -> bool:
    """Whether the report cards of the period holding the day are published for a class of the
    teaching: its levels of that day can then only change with ``assessment.manage``."""
    if teaching.teaching_group_id is not None:
        classes = Q(school_class__teaching_groups=teaching.teaching_group_id)
    else:
        classes = Q(school_class_id=teaching.school_class_id)
    return Council.objects.filter(
        classes,
        establishment_id=teaching.establishment_id,
        period__starts_on__lte=on,
        period__ends_on__gte=on,
        status=Council.Status.PUBLISHED,
    ).exists()


@dataclass
class GridCell:
    """A cell of a grid of levels: the person's evaluation that day (if any) and the previous one."""

    student_id: int
    competency_id: int
    mine: CompetencyEvaluation | None = None
    previous: CompetencyEvaluation | None = None


def grid_cells(
    *, establishment_id: int, teacher_id: int, student_ids: list[int], competency_ids: list[int], on: datetime.date
) -> dict[tuple[int, int], GridCell]:
    """Every (student, competency) cell: the teacher's level of the day and the latest before it.

    One query whatever the numbers of students and competencies.
    """
    cells = {
        (student_id, competency_id): GridCell(student_id, competency_id)
        for student_id in student_ids
        for competency_id in competency_ids
    }
    rows = (
        CompetencyEvaluation.objects.filter(
            establishment_id=establishment_id,
            student_id__in=student_ids,
            competency_id__in=competency_ids,
            date__lte=on,
        )
        .select_related("evaluated_by")
        .order_by("date", "pk")
    )
    for evaluation in rows:
        cell = cells[(evaluation.student_id, evaluation.competency_id)]
        if evaluation.evaluated_by_id == teacher_id and evaluation.date == on:
            cell.mine = evaluation
        else:
            cell.previous = evaluation
    return cells


@dataclass
class ItemHistory:
    """A competency in a student's record: its evaluations, newest first."""

    competency: Competency
    evaluations: list[CompetencyEvaluation]

    @property
    def latest(self) -> CompetencyEvaluation:
        return self.evaluations[0]


@dataclass
class ComponentRecord:
    """A national component in a student's record: its level and its evaluated competencies."""

    component: Competency
    level: int | None
    items: list[ItemHistory]


@dataclass
class CompetencyRecord:
    """A student's competencies over the current cycle."""

    student: User
    school_class: SchoolClass | None
    cycle: int | None
    components: list[ComponentRecord]
    count: int


def student_class(establishment_id: int, student_id: int) -> SchoolClass | None:
    """The student's current class (with its level), if any."""
    return (
        SchoolClass.objects.filter(pk__in=current_class_ids(establishment_id, student_id))
        .select_related("level")
        .order_by("pk")
        .first()
    )


def competency_record(*, establishment_id: int, student: User, families: bool = False) -> CompetencyRecord:
    """Every evaluation of the student's current cycle, by component then competency.

    With ``families``, the evaluations of assessments not yet published are left out. Three
    queries whatever the number of evaluations (the class, the components, the evaluations).
    """
    school_class = student_class(establishment_id, student.pk)
    cycle = cycle_of_level(school_class.level.code) if school_class is not None else None
    components = list(Competency.objects.filter(establishment__isnull=True).order_by("order", "code"))
    evaluations = CompetencyEvaluation.objects.filter(
        in_cycle(cycle), establishment_id=establishment_id, student_id=student.pk
    )
    if families:
        evaluations = evaluations.filter(family_visible())
    rows = list(
        evaluations.select_related("competency", "evaluated_by", "assessment").order_by(
            "competency__order", "competency__code", "-date", "-pk"
        )
    )
    by_competency: dict[int, ItemHistory] = {}
    for evaluation in rows:
        history = by_competency.setdefault(evaluation.competency_id, ItemHistory(evaluation.competency, []))
        history.evaluations.append(evaluation)
    level_rows: list[LevelRow] = []
    items: dict[int, list[ItemHistory]] = defaultdict(list)
    component_codes = {component.pk: component.code for component in components}
    for history in by_competency.values():
        competency = history.competency
        component_id = competency.component_id or competency.pk
        items[component_id].append(history)
        latest = history.latest
        level_rows.append(
            (student.pk, competency.pk, latest.date, latest.pk, latest.level, component_codes.get(component_id, ""))
        )
    levels = levels_by_component(level_rows).get(student.pk, {})
    return CompetencyRecord(
        student=student,
        school_class=school_class,
        cycle=cycle,
        components=[
            ComponentRecord(component, levels.get(component.code), items.get(component.pk, []))
            for component in components
        ],
        count=len(rows),
    )


@dataclass
class ClassCompetencies:
    """A class's students and their level per national component."""

    school_class: SchoolClass
    cycle: int | None
    components: list[Competency]
    students: list[User]
    levels: dict[int, dict[str, int]]

    def headings(self) -> list[tuple[Competency, str]]:
        """Each component with its short name ("D1.1"), for narrow column headings."""
        return [(component, component.name.split(" ", 1)[0]) for component in self.components]

    def rows(self) -> list[tuple[User, list[int | None]]]:
        return [
            (student, [self.levels.get(student.pk, {}).get(component.code) for component in self.components])
            for student in self.students
        ]


def class_competencies(*, establishment_id: int, school_class: SchoolClass) -> ClassCompetencies:
    """The level per national component of each student of the class (three queries)."""
    students = list(access.class_students(school_class))
    cycle = cycle_of_level(school_class.level.code)
    components = list(Competency.objects.filter(establishment__isnull=True).order_by("order", "code"))
    levels = component_levels(
        establishment_id=establishment_id, student_ids=[student.pk for student in students], cycle=cycle
    )
    return ClassCompetencies(school_class, cycle, components, students, levels)


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
