"""The LSU export: an establishment's periodic and end-of-cycle report data as XML.

The *Livret scolaire unique* (LSU) imports report data from the schools' software. The file
follows the LSU import's organisation (a header naming the establishment by its UAI, then the
referenced periods, subjects, teachers and students, the periodic reports and the end-of-cycle
reports); its exact structure is the one described in ``docs/assessment.md`` and in the XSD
kept with the tests (``tests/fixtures/lsu.xsd``), which every export is validated against.

Everything is read in a fixed number of queries whatever the numbers of classes, students and
subjects: the classes, their students, their teachings, the results (two), the absences
(three), the comments, the councils and their decisions, the competencies.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Q
from lxml import etree

from romsie.attendance.selectors import students_totals
from romsie.core.access.scope import Scope
from romsie.schooling.models import Enrollment, Period, Teaching, TeachingGroup

from . import access, averages, selectors
from .models import Council, CouncilDecision, ReportComment

NAMESPACE = "urn:fr:edu:scolarite:lsun:bilans:import"
SCHEMA_VERSION = "1.0"
SOFTWARE = "ROMSIE CE"
# The eight components of the common base, in the LSU's order.
COMPONENTS = ["CPD_FRA", "CPD_ETR", "CPD_SCI", "CPD_ART", "MET_APP", "FRM_CIT", "SYS_NAT", "REP_MND"]
# The last level of each cycle: its students get the end-of-cycle report.
CYCLE_ENDS = {"CE2": 2, "6E": 3, "3E": 4}
MAX_TEXT = 600  # the LSU's longest comment


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _sub(parent: Any, name: str, text: str | None = None, **attributes: Any) -> Any:
    element = etree.SubElement(parent, _tag(name), {k.replace("_", "-"): str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def _on_twenty(value: Decimal | None) -> str | None:
    rounded = averages.rounded(value)
    return None if rounded is None else f"{rounded:.2f}"


def _text(value: str) -> str:
    """A comment as the LSU takes it: plain text, spaces squeezed, at most ``MAX_TEXT`` characters."""
    return " ".join(value.split())[:MAX_TEXT]


def export(*, scope: Scope, period: Period) -> bytes:
    """The LSU XML of the establishment's classes for the period (UTF-8, with its declaration)."""
    assert scope.establishment is not None
    establishment_id = scope.establishment.id
    classes = list(access.followed_classes(scope).select_related("level").order_by("level__order", "name", "pk"))
    class_ids = [school_class.pk for school_class in classes]
    enrollments = list(
        Enrollment.objects.filter(school_class_id__in=class_ids, student__is_active=True)
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "student_id")
    )
    class_of = {enrollment.student_id: enrollment.school_class_id for enrollment in enrollments}
    student_ids = list(class_of)
    teachings = list(
        Teaching.objects.filter(
            Q(school_class_id__in=class_ids) | Q(teaching_group__school_classes__in=class_ids),
            establishment_id=establishment_id,
        )
        .select_related("subject", "teacher")
        .distinct()
        .order_by("subject__name", "pk")
    )
    group_classes: dict[int, set[int]] = defaultdict(set)
    for group_id, class_id in TeachingGroup.school_classes.through.objects.filter(
        schoolclass_id__in=class_ids
    ).values_list("teachinggroup_id", "schoolclass_id"):
        group_classes[group_id].add(class_id)
    results = selectors.period_results(
        establishment_id=establishment_id,
        period_id=period.pk,
        teaching_ids=[teaching.pk for teaching in teachings],
        level_id=None,
        student_ids=student_ids,
    )
    totals = students_totals(
        establishment_id=establishment_id, student_ids=student_ids, first_day=period.starts_on, last_day=period.ends_on
    )
    subject_of = {teaching.pk: teaching.subject_id for teaching in teachings}
    comments: dict[tuple[int, int], list[str]] = defaultdict(list)
    for student_id, teaching_id, text in (
        ReportComment.objects.filter(
            establishment_id=establishment_id,
            period_id=period.pk,
            teaching_id__in=list(subject_of),
            student_id__in=student_ids,
        )
        .exclude(text="")
        .order_by("pk")
        .values_list("student_id", "teaching_id", "text")
    ):
        comments[(student_id, subject_of[teaching_id])].append(text)
    councils = {
        council.school_class_id: council
        for council in Council.objects.filter(period_id=period.pk, school_class_id__in=class_ids)
    }
    decisions = {
        decision.student_id: decision
        for decision in CouncilDecision.objects.filter(
            council__period_id=period.pk, council__school_class_id__in=class_ids, student_id__in=student_ids
        )
    }
    level_code = {school_class.pk: school_class.level.code for school_class in classes}
    cycle_students = [e.student_id for e in enrollments if _cycle_end(level_code[e.school_class_id]) is not None]
    levels = selectors.component_levels(establishment_id=establishment_id, student_ids=cycle_students)
    periods = list(
        Period.objects.filter(establishment_id=establishment_id, school_year_id=period.school_year_id)
        .select_related("school_year")
        .order_by("starts_on", "pk")
    )

    # Subjects and teachers of each class, and the class figures of each subject in each class.
    class_teachings: dict[int, list[Teaching]] = defaultdict(list)
    for teaching in teachings:
        for class_id in (
            {teaching.school_class_id}
            if teaching.school_class_id
            else group_classes.get(teaching.teaching_group_id or 0, set())
        ):
            class_teachings[class_id].append(teaching)
    students_of: dict[int, list[int]] = defaultdict(list)
    for student_id, class_id in class_of.items():
        students_of[class_id].append(student_id)
    class_means: dict[tuple[int, int], Decimal | None] = {}
    for class_id, members in students_of.items():
        for subject_id in {teaching.subject_id for teaching in class_teachings[class_id]}:
            figures = averages.stats(results.average(student_id, subject_id) for student_id in members)
            class_means[(class_id, subject_id)] = figures.mean if figures else None

    root = etree.Element(_tag("lsunBilans"), nsmap={None: NAMESPACE}, attrib={"schemaVersion": SCHEMA_VERSION})
    header = _sub(root, "entete")
    _sub(header, "editeur", SOFTWARE)
    _sub(header, "application", SOFTWARE)
    _sub(header, "etablissement", scope.establishment.uai)
    data = _sub(root, "donnees")

    index, this = next((i, p) for i, p in enumerate(periods, 1) if p.pk == period.pk)
    millesime = this.school_year.starts_on.year
    wrapped = _sub(data, "periodes")
    _sub(wrapped, "periode", id=f"P{period.pk}", millesime=millesime, indice=index, nb_periodes=len(periods))

    subjects = {teaching.subject_id: teaching.subject for teaching in teachings}
    wrapped = _sub(data, "disciplines")
    for subject_id, subject in sorted(subjects.items(), key=lambda item: (item[1].name, item[0])):
        _sub(wrapped, "discipline", id=f"DI{subject_id}", code=subject.code, libelle=subject.name)

    teachers = {teaching.teacher_id: teaching.teacher for teaching in teachings}
    wrapped = _sub(data, "enseignants")
    for teacher_id, teacher in sorted(teachers.items(), key=lambda item: (item[1].last_name, item[0])):
        _sub(wrapped, "enseignant", id=f"ENS{teacher_id}", nom=teacher.last_name, prenom=teacher.first_name)

    wrapped = _sub(data, "classes")
    for school_class in classes:
        _sub(
            wrapped,
            "classe",
            id=f"C{school_class.pk}",
            code=school_class.code,
            libelle=school_class.name,
            niveau=school_class.level.code,
        )

    wrapped = _sub(data, "eleves")
    for enrollment in enrollments:
        student = enrollment.student
        _sub(
            wrapped,
            "eleve",
            id=f"EL{student.pk}",
            nom=student.last_name,
            prenom=student.first_name,
            classe_ref=f"C{enrollment.school_class_id}",
        )

    wrapped = _sub(data, "bilans-periodiques")
    for enrollment in enrollments:
        student_id, class_id = enrollment.student_id, enrollment.school_class_id
        council = councils.get(class_id)
        attributes: dict[str, Any] = {"eleve_ref": f"EL{student_id}", "periode_ref": f"P{period.pk}"}
        if council is not None and council.held_on is not None:
            attributes["date_conseil_classe"] = council.held_on.isoformat()
        report = _sub(wrapped, "bilan-periodique", **attributes)
        acquired = _sub(report, "liste-acquis")
        by_subject: dict[int, list[Teaching]] = defaultdict(list)
        for teaching in class_teachings[class_id]:
            by_subject[teaching.subject_id].append(teaching)
        for subject_id, its_teachings in sorted(by_subject.items(), key=lambda item: (subjects[item[0]].name, item[0])):
            line: dict[str, Any] = {
                "discipline_ref": f"DI{subject_id}",
                "enseignant_refs": " ".join(sorted({f"ENS{t.teacher_id}" for t in its_teachings})),
            }
            own = _on_twenty(results.average(student_id, subject_id))
            if own is not None:
                line["moyenne_eleve"] = own
            mean = _on_twenty(class_means.get((class_id, subject_id)))
            if mean is not None:
                line["moyenne_structure"] = mean
            element = _sub(acquired, "acquis", **line)
            _sub(element, "appreciation", _text(" ".join(comments.get((student_id, subject_id), []))))
        decision = decisions.get(student_id)
        _sub(report, "appreciation-generale", _text(decision.general_comment if decision else ""))
        student_totals = totals.get(student_id)
        _sub(
            report,
            "vie-scolaire",
            nb_abs_justifiees=student_totals.justified if student_totals else 0,
            nb_abs_injustifiees=(student_totals.unjustified + student_totals.pending) if student_totals else 0,
            nb_retards=student_totals.lateness if student_totals else 0,
        )

    wrapped = _sub(data, "bilans-cycle")
    for enrollment in enrollments:
        cycle = _cycle_end(level_code[enrollment.school_class_id])
        if cycle is None:
            continue
        report = _sub(wrapped, "bilan-cycle", eleve_ref=f"EL{enrollment.student_id}", cycle=cycle)
        base = _sub(report, "socle")
        student_levels = levels.get(enrollment.student_id, {})
        for code in COMPONENTS:
            if code in student_levels:
                _sub(base, "domaine", code=code, positionnement=student_levels[code])

    content: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return content


def _cycle_end(level_code: str) -> int | None:
    """The cycle a level ends (CE2: 2, 6e: 3, 3e: 4), None for any other level."""
    code = level_code.upper()
    if code in CYCLE_ENDS and selectors.cycle_of_level(code) == CYCLE_ENDS[code]:
        return CYCLE_ENDS[code]
    return None
