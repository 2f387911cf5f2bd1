"""The LSU export: valid against the structure it documents, complete, constant in queries."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from lxml import etree

from romsie.core.models import AuditEvent
from romsie.core.testing import factories as f
from romsie.schooling.models import Level

from .. import lsu
from ..models import Competency, CompetencyEvaluation, CouncilDecision, ReportComment
from .builders import assessment_for, enable, latin_across_classes, mark_for, period_of
from .builders_councils import add_students, add_teachings, council_of, mark_everyone

pytestmark = pytest.mark.usefixtures("english")

SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "fixtures" / "lsu.xsd")))
NS = {"l": lsu.NAMESPACE}


@pytest.fixture
def w(world):
    enable(world.a, world.c)
    period_of(world.a)
    return world


def _export(client, period):
    response = client.get(reverse("assessment:lsu-export") + f"?periode={period.pk}")
    assert response.status_code == 200
    return response


def _valid(content: bytes):
    document = etree.fromstring(content)
    SCHEMA.assertValid(document)
    return document


def test_the_export_is_valid_and_carries_the_reports_and_the_cycle_positioning(w, client_for):
    period = period_of(w.a)
    mark_for(assessment_for(w.a, out_of="10"), w.a.student.pk, "7")
    council = council_of(w.a)
    council.held_on = datetime.date(2026, 12, 12)
    council.save(update_fields=["held_on"])
    CouncilDecision.objects.create(
        establishment=w.a.establishment, council=council, student=w.a.student, general_comment="Serious\nand kind."
    )
    ReportComment.objects.create(
        establishment=w.a.establishment,
        period=period,
        teaching=w.a.teaching,
        student=w.a.student,
        text="Good <b>progress</b>.",
        author=w.a.teacher,
    )
    component = Competency.objects.get(code="CPD_FRA", establishment__isnull=True)
    CompetencyEvaluation.objects.create(
        establishment=w.a.establishment,
        competency=component,
        student=w.a.student,
        level=3,
        date=datetime.date(2026, 11, 2),
        evaluated_by=w.a.teacher,
    )
    response = _export(client_for(w.a.head), period)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    root = _valid(response.content)
    assert root.findtext("l:entete/l:etablissement", namespaces=NS) == w.a.establishment.uai
    report = root.find(f"l:donnees/l:bilans-periodiques/l:bilan-periodique[@eleve-ref='EL{w.a.student.pk}']", NS)
    assert report.get("date-conseil-classe") == "2026-12-12"
    acquired = report.find("l:liste-acquis/l:acquis", NS)
    assert acquired.get("moyenne-eleve") == "14.00" and acquired.get("moyenne-structure") == "14.00"
    assert acquired.findtext("l:appreciation", namespaces=NS) == "Good <b>progress</b>."
    assert report.findtext("l:appreciation-generale", namespaces=NS) == "Serious and kind."
    assert report.find("l:vie-scolaire", NS).get("nb-retards") == "0"
    cycle = root.find(f"l:donnees/l:bilans-cycle/l:bilan-cycle[@eleve-ref='EL{w.a.student.pk}']", NS)
    assert cycle.get("cycle") == "3"
    assert [(d.get("code"), d.get("positionnement")) for d in cycle.findall("l:socle/l:domaine", NS)] == [
        ("CPD_FRA", "3")
    ]
    assert AuditEvent.objects.filter(action="assessment.lsu_export", actor=w.a.head).exists()


def test_only_the_last_level_of_a_cycle_has_an_end_of_cycle_report(w, client_for):
    w.a.class2.level = Level.objects.get(code="5E")
    w.a.class2.save(update_fields=["level"])
    root = _valid(_export(client_for(w.a.head), period_of(w.a)).content)
    refs = {node.get("eleve-ref") for node in root.iterfind("l:donnees/l:bilans-cycle/l:bilan-cycle", NS)}
    assert refs == {f"EL{w.a.student.pk}"}
    assert len(root.findall("l:donnees/l:bilans-periodiques/l:bilan-periodique", NS)) == 2


def test_the_export_leaves_other_establishments_out_and_their_period_is_404(w, client_for):
    root = _valid(_export(client_for(w.a.head), period_of(w.a)).content)
    assert f"EL{w.c.student.pk}" not in {n.get("id") for n in root.iterfind("l:donnees/l:eleves/l:eleve", NS)}
    response = client_for(w.a.head).get(reverse("assessment:lsu-export") + f"?periode={period_of(w.c).pk}")
    assert response.status_code == 404


def test_the_xsd_refuses_what_the_documentation_excludes(w, client_for):
    root = _valid(_export(client_for(w.a.head), period_of(w.a)).content)
    root.find("l:entete/l:etablissement", NS).text = "not-a-uai"
    assert not SCHEMA.validate(root)


@pytest.mark.parametrize("classes", [1, 3])
def test_the_export_costs_the_same_for_1_and_3_classes(w, client_for, django_assert_num_queries, classes):
    teachings = add_teachings(w.a, 2)
    add_students(w.a, 3)
    mark_everyone(w.a, teachings, 2)
    if classes == 1:
        w.a.class2.delete()
    else:
        extra = f.SchoolClassFactory(establishment=w.a.establishment, name="3e B", level=Level.objects.get(code="3E"))
        f.TeachingFactory(school_class=extra, teacher=w.a.teacher, subject=w.a.subject)
    period = period_of(w.a)
    client = client_for(w.a.head)
    client.get(reverse("assessment:lsu-export") + f"?periode={period.pk}")
    with django_assert_num_queries(QUERIES_LSU):
        response = _export(client, period)
    _valid(response.content)


QUERIES_LSU = 18


def test_a_group_teaching_reaches_the_students_of_each_of_its_classes(w, client_for):
    latin = latin_across_classes(w.a)
    test = assessment_for(w.a, teaching=latin)
    mark_for(test, w.a.student.pk, "18")
    mark_for(test, w.a.student2.pk, "10")
    root = _valid(_export(client_for(w.a.head), period_of(w.a)).content)
    subject = root.find("l:donnees/l:disciplines/l:discipline[@code='LAT']", NS).get("id")
    for student, average in ((w.a.student, "18.00"), (w.a.student2, "10.00")):
        report = root.find(f"l:donnees/l:bilans-periodiques/l:bilan-periodique[@eleve-ref='EL{student.pk}']", NS)
        acquired = report.find(f"l:liste-acquis/l:acquis[@discipline-ref='{subject}']", NS)
        # Each class's mean is over its own students.
        assert acquired.get("moyenne-eleve") == average and acquired.get("moyenne-structure") == average
