"""Competencies: the establishment's items, the grids of levels, the record, the class view."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.core.models import AuditEvent
from romsie.core.testing import factories as f
from romsie.core.testing.editing import REFUSAL, page_text, race_on_form

from .. import selectors
from ..models import Competency, CompetencyEvaluation
from .builders import assessment_for, enable
from .builders_competencies import component, evaluation_for, item_for, more_students

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def w(world):
    enable(world.a, world.b, world.c)
    return world


def _grid_url(teaching, competency, day=None):
    day = day or timezone.localdate()
    query = urlencode({"enseignement": teaching.pk, "competence": competency.pk, "date": day.isoformat()})
    return f"{reverse('assessment:competency-grid')}?{query}"


def _grid_post(ew, competency, levels, *, versions=None, shown=None):
    data = {}
    for student, level in levels.items():
        key = f"{student.pk}-{competency.pk}"
        data[f"level-{key}"] = "" if level is None else str(level)
        data[f"version-{key}"] = "" if not versions or student not in versions else str(versions[student])
        data[f"shown-{key}"] = "" if not shown or student not in shown else str(shown[student])
    return data


# -- The component rule ------------------------------------------------------------------------


def test_a_components_level_is_the_rounded_mean_of_its_competencies_latest_levels(w):
    one = item_for(w.a, code="A1")
    two = item_for(w.a, code="A2")
    evaluation_for(w.a, one, level=1, days_ago=10)
    evaluation_for(w.a, one, level=4, days_ago=1)  # the latest counts: 4
    evaluation_for(w.a, two, level=2, days_ago=3)
    evaluation_for(w.a, component("MET_APP"), level=2)  # a component evaluated itself
    levels = selectors.component_levels(establishment_id=w.a.establishment.pk, student_ids=[w.a.student.pk])
    assert levels == {w.a.student.pk: {"CPD_FRA": 3, "MET_APP": 2}}  # (4 + 2) / 2 = 3
    assert selectors.component_level([1, 2]) == 2  # 1.5 rounds half up
    assert selectors.component_level([1, 1, 2]) == 1
    assert selectors.component_level([]) is None


def test_the_component_levels_of_a_cycle_and_for_families(w):
    cycle3 = item_for(w.a, code="C3", cycle=3)
    cycle4 = item_for(w.a, code="C4", cycle=4)
    evaluation_for(w.a, cycle3, level=4)
    evaluation_for(w.a, cycle4, level=1)
    later = assessment_for(w.a, publish_on=timezone.localdate() + datetime.timedelta(days=3))
    evaluation_for(w.a, component("SYS_NAT"), level=1, assessment=later)
    pk = w.a.student.pk
    levels = selectors.component_levels(establishment_id=w.a.establishment.pk, student_ids=[pk], cycle=3)
    assert levels[pk] == {"CPD_FRA": 4, "SYS_NAT": 1}
    families = selectors.component_levels(
        establishment_id=w.a.establishment.pk, student_ids=[pk], cycle=3, families=True
    )
    assert families[pk] == {"CPD_FRA": 4}


# -- The establishment's competencies ------------------------------------------------------------


def test_the_list_shows_the_components_and_the_items_of_the_persons_cycles(w, client_for):
    item_for(w.a, code="LIRE", name="Lire à voix haute", cycle=3)
    item_for(w.a, code="ALG", name="Résoudre une équation", cycle=4)
    item_for(w.c, code="AUTRE", name="Compétence d'ailleurs", cycle=3)
    page = client_for(w.a.teacher).get(reverse("assessment:competency-list")).content.decode()
    assert "Comprendre, s&#x27;exprimer en utilisant la langue française" in page
    assert "Lire à voix haute" in page  # the class is a 6e: cycle 3
    assert "Résoudre une équation" not in page and "Compétence d&#x27;ailleurs" not in page
    every = client_for(w.a.teacher).get(reverse("assessment:competency-list") + "?cycle=all").content.decode()
    assert "Résoudre une équation" in every and "Compétence d&#x27;ailleurs" not in every


def test_families_do_not_open_the_list(w, client_for):
    assert client_for(w.a.parent).get(reverse("assessment:competency-list")).status_code == 403


def test_a_teacher_adds_an_item_with_a_code_made_up(w, client_for):
    data = {"component": component("CPD_SCI").pk, "cycle": "3", "subject": "", "code": "", "name": "Calcul mental"}
    response = client_for(w.a.teacher).post(reverse("assessment:competency-create"), data)
    assert response.status_code == 302
    item = Competency.objects.get(establishment=w.a.establishment, name="Calcul mental")
    assert item.code == "CPD_SCI-C3-1" and item.cycle == 3 and item.component.code == "CPD_SCI"
    client_for(w.a.head).post(reverse("assessment:competency-create"), {**data, "name": "Géométrie"})
    assert Competency.objects.get(establishment=w.a.establishment, name="Géométrie").code == "CPD_SCI-C3-2"


def test_a_taken_code_an_empty_name_or_a_subject_of_elsewhere_are_refused_next_to_the_field(w, client_for):
    item_for(w.a, code="LIRE")
    client = client_for(w.a.teacher)
    data = {"component": component("CPD_FRA").pk, "cycle": "3", "code": "LIRE", "name": "Lire encore"}
    page = client.post(reverse("assessment:competency-create"), data).content.decode()
    assert "Another competency of the establishment has this code." in page and "Lire encore" in page
    page = client.post(reverse("assessment:competency-create"), {**data, "code": "X", "name": ""}).content.decode()
    assert "This field is required." in page
    page = client.post(
        reverse("assessment:competency-create"), {**data, "code": "Y", "subject": w.c.subject.pk}
    ).content.decode()
    assert "Select a valid choice" in page
    page = client.post(reverse("assessment:competency-create"), {**data, "code": "Z", "cycle": "7"}).content.decode()
    assert "Select a valid choice" in page
    assert Competency.objects.filter(establishment=w.a.establishment).count() == 1


def test_an_item_is_edited_with_a_version_check(w, client_for):
    item = item_for(w.a, code="LIRE")
    url = reverse("assessment:competency-update", args=[item.pk])
    data = {"component": item.component_id, "cycle": "3", "code": "LIRE", "name": "Lire un conte", "version": "0"}
    assert client_for(w.a.teacher).post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.name == "Lire un conte" and item.version == 1
    page = client_for(w.a.head).post(url, {**data, "name": "Lire une fable"}).content.decode()
    assert "Lire un conte" in page and "Lire une fable" in page  # the other version shown, the text kept
    item.refresh_from_db()
    assert item.name == "Lire un conte"


def test_two_people_editing_an_item_at_once_the_second_keeps_what_they_typed(w, client_for):
    item = item_for(w.a, code="LIRE")
    data = {"component": item.component_id, "cycle": "3", "code": "LIRE"}
    refused = race_on_form(
        reverse("assessment:competency-update", args=[item.pk]),
        first=client_for(w.a.teacher),
        second=client_for(w.a.head),
        first_data={**data, "name": "Lire un conte"},
        second_data={**data, "name": "Lire une fable"},
    )
    text = page_text(refused)
    assert "Lire un conte" in text and "Lire une fable" in text
    item.refresh_from_db()
    assert item.name == "Lire un conte"
    # The head deleting meanwhile an item the teacher just changed is refused too.
    response = client_for(w.a.head).post(reverse("assessment:competency-delete", args=[item.pk]), {"version": "0"})
    assert REFUSAL in page_text(response) and Competency.objects.filter(pk=item.pk).exists()


def test_an_evaluated_item_is_only_renamed_never_deleted(w, client_for):
    item = item_for(w.a, code="LIRE")
    evaluation_for(w.a, item)
    client = client_for(w.a.teacher)
    data = {"component": component("MET_APP").pk, "cycle": "4", "code": "LIRE", "name": "Lire", "version": "0"}
    assert client.post(reverse("assessment:competency-update", args=[item.pk]), data).status_code == 302
    item.refresh_from_db()
    assert item.name == "Lire" and item.component.code == "CPD_FRA" and item.cycle == 3  # disabled fields kept
    page = client.get(reverse("assessment:competency-delete", args=[item.pk])).content.decode()
    assert "cannot be deleted, only renamed" in page
    response = client.post(reverse("assessment:competency-delete", args=[item.pk]), {"version": str(item.version)})
    assert "cannot be deleted, only renamed" in response.content.decode()
    assert Competency.objects.filter(pk=item.pk).exists()


def test_an_item_never_evaluated_is_deleted(w, client_for):
    item = item_for(w.a, code="LIRE")
    response = client_for(w.a.teacher).post(reverse("assessment:competency-delete", args=[item.pk]), {"version": "0"})
    assert response.status_code == 302 and not Competency.objects.filter(pk=item.pk).exists()


def test_national_components_and_other_establishments_items_are_not_editable(w, client_for):
    client = client_for(w.a.teacher)
    assert client.get(reverse("assessment:competency-update", args=[component().pk])).status_code == 404
    assert client.get(reverse("assessment:competency-update", args=[item_for(w.c).pk])).status_code == 404
    assert client_for(w.a.student).get(reverse("assessment:competency-create")).status_code == 403


# -- The class grid --------------------------------------------------------------------------------


def test_a_teacher_evaluates_the_class_in_one_grid_and_sees_the_previous_level(w, client_for):
    item = item_for(w.a)
    evaluation_for(w.a, item, level=2, days_ago=7, teacher=w.a.head)
    others = more_students(w.a, 2)
    client = client_for(w.a.teacher)
    page = client.get(_grid_url(w.a.teaching, item)).content.decode()
    assert "Fragile mastery" in page and "never evaluated" in page
    assert page.count("<fieldset") == 3 and "Very good mastery" in page
    data = _grid_post(w.a, item, {w.a.student: 4, others[0]: 1, others[1]: None})
    response = client.post(_grid_url(w.a.teaching, item), data)
    assert response.status_code == 302
    saved = {e.student_id: e for e in CompetencyEvaluation.objects.filter(evaluated_by=w.a.teacher)}
    assert {k: e.level for k, e in saved.items()} == {w.a.student.pk: 4, others[0].pk: 1}
    mine = saved[w.a.student.pk]
    assert mine.teaching_id == w.a.teaching.pk and mine.date == timezone.localdate() and mine.assessment_id is None
    # Again, the same day: the row is replaced; "not evaluated" removes it.
    data = _grid_post(
        w.a,
        item,
        {w.a.student: 3, others[0]: None},
        versions={w.a.student: 0, others[0]: 0},
        shown={w.a.student: 4, others[0]: 1},
    )
    assert client.post(_grid_url(w.a.teaching, item), data).status_code == 302
    rows = CompetencyEvaluation.objects.filter(evaluated_by=w.a.teacher)
    assert [(e.student_id, e.level, e.version) for e in rows] == [(w.a.student.pk, 3, 1)]


def test_a_bad_level_is_shown_in_its_row_and_nothing_is_saved(w, client_for):
    item = item_for(w.a)
    other = more_students(w.a, 1)[0]
    data = _grid_post(w.a, item, {w.a.student: 3, other: 5})
    page = client_for(w.a.teacher).post(_grid_url(w.a.teaching, item), data).content.decode()
    assert "Choose one of the four levels, or “Not evaluated”." in page
    assert re.search(rf'name="level-{w.a.student.pk}-{item.pk}" value="3"[^>]*checked', page)  # typed, kept
    assert not CompetencyEvaluation.objects.exists()


def test_a_level_for_a_student_not_in_the_teaching_saves_nothing(w, client_for):
    item = item_for(w.a)
    data = _grid_post(w.a, item, {w.a.student: 3})
    data[f"level-{w.a.student2.pk}-{item.pk}"] = "2"
    page = client_for(w.a.teacher).post(_grid_url(w.a.teaching, item), data).content.decode()
    assert "not in this grid: nothing was saved" in page
    assert not CompetencyEvaluation.objects.exists()


def test_the_grid_refuses_other_teachings_other_establishments_and_the_future(w, client_for):
    item = item_for(w.a)
    client = client_for(w.a.teacher)
    other_teaching = f.TeachingFactory(school_class=w.a.class2, teacher=w.a.head, subject=w.a.subject)
    assert client.get(_grid_url(other_teaching, item)).status_code == 404
    elsewhere = item_for(w.c)
    assert client.get(_grid_url(w.a.teaching, elsewhere)).status_code == 404
    assert client.post(_grid_url(w.a.teaching, elsewhere), {}).status_code == 404
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = client.get(_grid_url(w.a.teaching, item, tomorrow)).content.decode()
    assert "Choose today or a day before" in page and "<fieldset" not in page
    page = client.get(f"{reverse('assessment:competency-grid')}?enseignement=abc&competence=&date=x").content.decode()
    assert "Open the grid" in page and "<fieldset" not in page


def test_a_row_changed_meanwhile_is_refused_and_shown_the_others_are_saved(w, client_for):
    item = item_for(w.a)
    other = more_students(w.a, 1)[0]
    client = client_for(w.a.teacher)
    shown = client.get(_grid_url(w.a.teaching, item))  # both rows empty
    assert shown.status_code == 200
    # Another tab saves the first row meanwhile.
    evaluation_for(w.a, item, level=2)
    data = _grid_post(w.a, item, {w.a.student: 4, other: 3})
    page = client.post(_grid_url(w.a.teaching, item), data).content.decode()
    assert "Changed meanwhile (another window) to “Fragile mastery”" in page
    levels = dict(CompetencyEvaluation.objects.values_list("student_id", "level"))
    assert levels == {w.a.student.pk: 2, other.pk: 3}
    # The refused choice is still selected, now over the current version: saving again replaces it.
    assert f'name="version-{w.a.student.pk}-{item.pk}" value="0"' in page
    data = _grid_post(
        w.a, item, {w.a.student: 4, other: 3}, versions={w.a.student: 0, other: 0}, shown={w.a.student: 2, other: 3}
    )
    assert client.post(_grid_url(w.a.teaching, item), data).status_code == 302
    assert dict(CompetencyEvaluation.objects.values_list("student_id", "level")) == {w.a.student.pk: 4, other.pk: 3}


def test_a_row_left_as_shown_is_not_written_even_if_changed_meanwhile(w, client_for):
    item = item_for(w.a)
    evaluation = evaluation_for(w.a, item, level=2)
    CompetencyEvaluation.objects.filter(pk=evaluation.pk).update(level=3, version=5)
    data = _grid_post(w.a, item, {w.a.student: 2}, versions={w.a.student: 0}, shown={w.a.student: 2})
    assert client_for(w.a.teacher).post(_grid_url(w.a.teaching, item), data).status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.level, evaluation.version) == (3, 5)


def test_the_grid_costs_the_same_for_one_and_35_students(w, client_for, django_assert_num_queries):
    item = item_for(w.a)
    client = client_for(w.a.teacher)
    client.get(_grid_url(w.a.teaching, item))  # warm the scope's cache
    with django_assert_num_queries(8) as one:
        client.get(_grid_url(w.a.teaching, item))
    post_one = _grid_post(w.a, item, {w.a.student: 3})
    with django_assert_num_queries(17) as saved_one:
        client.post(_grid_url(w.a.teaching, item), post_one)
    CompetencyEvaluation.objects.all().delete()
    students = [w.a.student, *more_students(w.a, 34)]
    for student in students[:10]:
        evaluation_for(w.a, item, level=2, student=student, days_ago=3)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(_grid_url(w.a.teaching, item))
    post_all = _grid_post(w.a, item, dict.fromkeys(students, 4))
    with django_assert_num_queries(len(saved_one.captured_queries)):
        client.post(_grid_url(w.a.teaching, item), post_all)
    assert CompetencyEvaluation.objects.filter(evaluated_by=w.a.teacher, level=4).count() == 35


# -- The competencies of an assessment ---------------------------------------------------------------


def test_the_competencies_of_an_assessment_are_saved_with_the_assessment(w, client_for):
    one, two = item_for(w.a, code="A1", name="Lire"), item_for(w.a, code="A2", name="Écrire")
    assessment = assessment_for(w.a, date=timezone.localdate() - datetime.timedelta(days=2))
    assessment.competencies.set([one, two])
    url = reverse("assessment:assessment-competencies", args=[assessment.pk])
    client = client_for(w.a.teacher)
    page = client.get(url).content.decode()
    assert "Lire" in page and "Écrire" in page and "<select" in page
    data = {f"level-{w.a.student.pk}-{one.pk}": "4", f"level-{w.a.student.pk}-{two.pk}": "1"}
    assert client.post(url, data).status_code == 302
    rows = CompetencyEvaluation.objects.order_by("competency__code")
    assert [(e.competency_id, e.level, e.assessment_id, e.date) for e in rows] == [
        (one.pk, 4, assessment.pk, assessment.date),
        (two.pk, 1, assessment.pk, assessment.date),
    ]
    page = client.post(url, {f"level-{w.a.student.pk}-{one.pk}": "9"}).content.decode()
    assert "Choose one of the four levels" in page


def test_an_assessment_without_competencies_or_of_another_teaching(w, client_for):
    assessment = assessment_for(w.a)
    page = client_for(w.a.teacher).get(reverse("assessment:assessment-competencies", args=[assessment.pk]))
    assert "lists no competency" in page.content.decode()
    assert (
        client_for(w.a.head).get(reverse("assessment:assessment-competencies", args=[assessment.pk])).status_code == 403
    )
    other = assessment_for(w.c)
    assert (
        client_for(w.a.teacher).get(reverse("assessment:assessment-competencies", args=[other.pk])).status_code == 404
    )


# -- The record and the class view -------------------------------------------------------------------


def test_the_record_groups_the_cycles_evaluations_by_component_with_history(w, client_for):
    item = item_for(w.a, name="Lire à voix haute", cycle=3)
    old_cycle = item_for(w.a, code="OLD", name="Compétence du cycle 2", cycle=2)
    evaluation_for(w.a, item, level=1, days_ago=20)
    evaluation_for(w.a, item, level=3, days_ago=2, teacher=w.a.head)
    evaluation_for(w.a, old_cycle, level=4, days_ago=400)
    page = client_for(w.a.teacher).get(reverse("assessment:competency-record", args=[w.a.student.pk])).content.decode()
    assert "Lire à voix haute" in page and "Compétence du cycle 2" not in page
    assert "Insufficient mastery" in page and "Satisfactory mastery" in page and "Cycle 3" in page
    assert page.index("Satisfactory mastery") < page.index("Insufficient mastery")  # latest first
    assert 'class="comp-level comp-level-3"' in page
    assert not AuditEvent.objects.filter(action="assessment.competency_record_read").exists()  # own teaching


def test_staff_reads_outside_their_teachings_are_audited(w, client_for):
    w.a.school_class.homeroom_teacher = w.a.head
    w.a.school_class.save()
    assert client_for(w.a.head).get(reverse("assessment:competency-record", args=[w.a.student.pk])).status_code == 200
    assert (
        client_for(w.a.head).get(reverse("assessment:competency-class", args=[w.a.school_class.pk])).status_code == 200
    )
    actions = list(AuditEvent.objects.filter(actor=w.a.head).order_by("pk").values_list("action", flat=True))
    assert actions == ["assessment.competency_record_read", "assessment.competency_class_read"]


def test_the_record_of_a_student_one_does_not_teach_is_404(w, client_for):
    assert (
        client_for(w.a.teacher).get(reverse("assessment:competency-record", args=[w.a.student2.pk])).status_code == 404
    )
    assert (
        client_for(w.a.teacher).get(reverse("assessment:competency-record", args=[w.c.student.pk])).status_code == 404
    )
    assert client_for(w.a.parent).get(reverse("assessment:competency-record", args=[w.a.student.pk])).status_code == 403


def test_families_see_every_level_but_those_of_an_assessment_not_yet_published(w, client_for):
    item = item_for(w.a, name="Lire à voix haute")
    hidden = item_for(w.a, code="H", name="Compétence à venir")
    later = assessment_for(w.a, publish_on=timezone.localdate() + datetime.timedelta(days=5))
    evaluation_for(w.a, item, level=4)
    evaluation_for(w.a, hidden, level=1, assessment=later)
    for person in (w.a.student, w.a.parent):
        page = client_for(person).get(reverse("assessment:my-competencies")).content.decode()
        assert "Lire à voix haute" in page and "Very good mastery" in page
        assert "Compétence à venir" not in page and "Insufficient mastery" not in page
    assert client_for(w.a.parent2).get(reverse("assessment:my-competencies")).status_code == 200
    assert (
        "Lire à voix haute" not in client_for(w.a.parent2).get(reverse("assessment:my-competencies")).content.decode()
    )
    assert client_for(w.a.teacher).get(reverse("assessment:my-competencies")).status_code == 403


def test_the_record_costs_the_same_for_one_and_30_evaluations(w, client_for, django_assert_num_queries):
    items = [item_for(w.a, code=f"I{n}", name=f"Compétence {n}") for n in range(10)]
    evaluation_for(w.a, items[0])
    url = reverse("assessment:competency-record", args=[w.a.student.pk])
    client = client_for(w.a.teacher)
    client.get(url)
    with django_assert_num_queries(7) as one:
        client.get(url)
    for n in range(29):
        evaluation_for(w.a, items[n % 10], level=1 + n % 4, days_ago=n + 1)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)
    family = client_for(w.a.parent)
    family.get(reverse("assessment:my-competencies"))
    with django_assert_num_queries(6):
        family.get(reverse("assessment:my-competencies"))


def test_the_class_view_costs_the_same_for_one_and_35_students(w, client_for, django_assert_num_queries):
    w.a.school_class.homeroom_teacher = w.a.teacher
    w.a.school_class.save()
    item = item_for(w.a)
    evaluation_for(w.a, item, level=4)
    url = reverse("assessment:competency-class", args=[w.a.school_class.pk])
    client = client_for(w.a.teacher)
    client.get(url)
    with django_assert_num_queries(7) as one:
        page = client.get(url).content.decode()
    assert "Very good mastery" in page and reverse("assessment:competency-record", args=[w.a.student.pk]) in page
    for student in more_students(w.a, 34):
        evaluation_for(w.a, item, level=2, student=student)
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("Fragile mastery") == 34
    assert (
        client_for(w.a.head).get(reverse("assessment:competency-class", args=[w.c.school_class.pk])).status_code == 404
    )


# -- Primary schools --------------------------------------------------------------------------------


def test_a_primary_school_lands_on_competencies(w, client_for):
    home = reverse("assessment:home")
    assert client_for(w.b.teacher).get(home).url == reverse("assessment:competency-list")
    assert client_for(w.b.parent).get(home).url == reverse("assessment:my-competencies")


def test_a_primary_teacher_evaluates_and_the_parent_sees_it(w, client_for):
    item = item_for(w.b, name="Lire un album")
    data = _grid_post(w.b, item, {w.b.student: 3})
    assert client_for(w.b.teacher).post(_grid_url(w.b.teaching, item), data).status_code == 302
    page = client_for(w.b.parent).get(reverse("assessment:my-competencies")).content.decode()
    assert "Lire un album" in page and "Satisfactory mastery" in page


def test_the_list_links_to_the_grids_the_assessments_with_competencies_and_the_classes(w, client_for):
    item = item_for(w.a)
    listed = assessment_for(w.a, title="Dictée")
    listed.competencies.set([item])
    assessment_for(w.a, title="Sans compétence")
    w.a.school_class.homeroom_teacher = w.a.teacher
    w.a.school_class.save()
    page = client_for(w.a.teacher).get(reverse("assessment:competency-list")).content.decode()
    assert f"{reverse('assessment:competency-grid')}?enseignement={w.a.teaching.pk}" in page
    assert reverse("assessment:assessment-competencies", args=[listed.pk]) in page and "Sans compétence" not in page
    assert reverse("assessment:competency-class", args=[w.a.school_class.pk]) in page
    grid = client_for(w.a.teacher).get(_grid_url(w.a.teaching, item)).content.decode()
    assert reverse("assessment:competency-record", args=[w.a.student.pk]) in grid


def test_the_list_costs_the_same_for_one_and_many_items(w, client_for, django_assert_num_queries):
    item_for(w.a, code="I0")
    client = client_for(w.a.teacher)
    url = reverse("assessment:competency-list")
    client.get(url)
    with django_assert_num_queries(7) as one:
        client.get(url)
    for n in range(1, 40):
        item = item_for(w.a, code=f"I{n}", under=["CPD_FRA", "MET_APP", "SYS_NAT"][n % 3])
        evaluation_for(w.a, item, student=w.a.student, days_ago=n)
        assessment_for(w.a, title=f"A{n}").competencies.set([item])
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


def test_the_demo_gives_items_everywhere_and_a_term_of_levels_in_primary_schools(w, client_for):
    from ..demo_competencies import populate

    more_students(w.b, 3)
    rows = populate([w.a.establishment.pk, w.b.establishment.pk], seed=7)
    assert rows == Competency.objects.exclude(establishment=None).count() + CompetencyEvaluation.objects.count()
    assert Competency.objects.filter(establishment=w.a.establishment, cycle=3).exists()
    assert not CompetencyEvaluation.objects.filter(establishment=w.a.establishment).exists()  # a collège: marks
    evaluated = CompetencyEvaluation.objects.filter(establishment=w.b.establishment)
    assert evaluated.exists() and set(evaluated.values_list("evaluated_by", flat=True)) == {w.b.teacher.pk}
    page = client_for(w.b.parent).get(reverse("assessment:my-competencies")).content.decode()
    assert page.count('class="comp-level comp-level-') > 8


def test_levels_no_longer_change_once_the_periods_report_cards_are_published(w, client_for):
    from ..models import Council
    from .builders import period_of

    item = item_for(w.a)
    assessment = assessment_for(w.a)
    assessment.competencies.set([item])
    Council.objects.create(
        establishment=w.a.establishment, period=period_of(w.a), school_class=w.a.school_class, status="published"
    )
    client = client_for(w.a.teacher)
    page = client.post(_grid_url(w.a.teaching, item), _grid_post(w.a, item, {w.a.student: 3})).content.decode()
    assert "levels can no longer change" in page
    url = reverse("assessment:assessment-competencies", args=[assessment.pk])
    assert "levels can no longer change" in client.get(url).content.decode()
    client.post(url, {f"level-{w.a.student.pk}-{item.pk}": "3"})
    assert not CompetencyEvaluation.objects.exists()


def test_a_group_teaching_evaluates_its_members_across_classes_and_locks_with_their_classes(w, client_for):
    from romsie.schooling.models import GroupMembership, Teaching

    from ..models import Council
    from .builders import period_of

    group = f.TeachingGroupFactory(establishment=w.a.establishment, school_year=w.a.school_class.school_year)
    group.school_classes.set([w.a.school_class, w.a.class2])
    for student in (w.a.student, w.a.student2):
        GroupMembership.objects.create(establishment=w.a.establishment, teaching_group=group, student=student)
    teacher = f.person(w.a.establishment, "teacher", username="teacher.group", last_name="Groupe")
    teaching = Teaching.objects.create(
        establishment=w.a.establishment, teacher=teacher, subject=w.a.subject, teaching_group=group
    )
    item = item_for(w.a)
    client = client_for(teacher)
    page = client.get(_grid_url(teaching, item)).content.decode()
    assert page.count("<fieldset") == 2
    data = _grid_post(w.a, item, {w.a.student: 2, w.a.student2: 3})
    assert client.post(_grid_url(teaching, item), data).status_code == 302
    assert CompetencyEvaluation.objects.filter(evaluated_by=teacher, teaching=teaching).count() == 2
    # A group member's record is the group teacher's own: not audited.
    assert client.get(reverse("assessment:competency-record", args=[w.a.student2.pk])).status_code == 200
    assert not AuditEvent.objects.filter(actor=teacher).exists()
    # Published report cards of one of the group's classes lock the group's levels of the period.
    Council.objects.create(
        establishment=w.a.establishment, period=period_of(w.a), school_class=w.a.class2, status="published"
    )
    data = _grid_post(w.a, item, {w.a.student: 4}, versions={w.a.student: 0}, shown={w.a.student: 2})
    assert "levels can no longer change" in client.post(_grid_url(teaching, item), data).content.decode()
    assert CompetencyEvaluation.objects.get(evaluated_by=teacher, student=w.a.student).level == 2
