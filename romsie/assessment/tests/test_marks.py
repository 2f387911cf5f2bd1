"""The teachers' part: assessments, the marks grid (whole form and one cell), bad input, locked periods,
the gradebook, report-card comments, settings, and families told of new marks."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from romsie.core import versions
from romsie.core.testing import factories as f
from romsie.core.testing.editing import page_text, race_on_form
from romsie.identity.models import Role, StaffFunction
from romsie.notifications.kinds import render
from romsie.notifications.models import Notification
from romsie.schooling.models import SchoolYear

from .. import services
from ..models import Assessment, AssessmentSettings, Council, Mark, ReportComment, SubjectWeight
from .builders import assessment_for, enable, mark_for, period_of
from .builders_marks import add_students, cell_post, grid_post


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages and messages in English."""


@pytest.fixture
def w(world):
    enable(world.a, world.b, world.c)
    period_of(world.a)
    period_of(world.c)
    return world


def _create_data(w, **extra):
    data = {
        "title": "Fractions",
        "date": timezone.localdate().isoformat(),
        "period": "",
        "out_of": "20",
        "weight": "2",
        "graded": "on",
        "publish_on": "",
        "description": "",
    }
    data.update(extra)
    return data


# -- Assessments -------------------------------------------------------------------------------------


def test_a_teacher_creates_an_assessment_in_the_period_of_its_date_published_after_the_delay(w, client_for):
    AssessmentSettings.objects.create(establishment=w.a.establishment, publication_delay_days=3)
    client = client_for(w.a.teacher)
    url = f"{reverse('assessment:assessment-create')}?enseignement={w.a.teaching.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, _create_data(w, weight="1,5"))
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response.url == reverse("assessment:grid", args=[assessment.pk])
    assert assessment.period == period_of(w.a)
    assert assessment.weight == Decimal("1.5")
    assert assessment.publish_on == timezone.localdate() + datetime.timedelta(days=3)
    assert assessment.created_by == w.a.teacher


def test_the_publication_day_defaults_to_the_date_without_settings(w, client_for):
    client = client_for(w.a.teacher)
    client.post(f"{reverse('assessment:assessment-create')}?enseignement={w.a.teaching.pk}", _create_data(w))
    assert Assessment.objects.get().publish_on == timezone.localdate()


@pytest.mark.parametrize(
    ("weight", "message"),
    [("0", "The weight must be more than 0 and at most 100."), ("abc", "Enter a number."),
     ("101", "The weight must be more than 0 and at most 100.")],
)  # fmt: skip
def test_a_weight_of_zero_or_text_is_a_clear_error_and_the_form_keeps_what_was_typed(w, client_for, weight, message):
    client = client_for(w.a.teacher)
    url = f"{reverse('assessment:assessment-create')}?enseignement={w.a.teaching.pk}"
    response = client.post(url, _create_data(w, weight=weight, title="Équations"))
    assert response.status_code == 200
    page = page_text(response)
    assert message in page
    assert 'value="Équations"' in page
    assert not Assessment.objects.exists()


def test_another_teachers_teaching_or_a_bad_id_answers_404(w, client_for):
    client = client_for(w.a.teacher)
    base = reverse("assessment:assessment-create")
    assert client.get(f"{base}?enseignement={w.c.teaching.pk}").status_code == 404
    assert client.get(f"{base}?enseignement=abc").status_code == 404
    assert client.get(f"{base}?enseignement=99999999999999999999999").status_code == 404
    assert client.get(base).status_code == 404


def test_another_establishments_period_answers_404(w, client_for):
    client = client_for(w.a.teacher)
    other = period_of(w.c).pk
    assert client.get(f"{reverse('assessment:assessment-list')}?periode={other}").status_code == 404
    assert client.get(f"{reverse('assessment:gradebook', args=[w.a.teaching.pk])}?periode={other}").status_code == 404
    url = f"{reverse('assessment:report-comments', args=[w.a.teaching.pk])}?periode={other}"
    assert client.get(url).status_code == 404
    assert client.get(f"{reverse('assessment:assessment-list')}?periode=abc").status_code == 200


def test_the_scale_cannot_go_below_an_entered_mark(w, client_for):
    assessment = assessment_for(w.a)
    mark_for(assessment, w.a.student.pk, "15")
    client = client_for(w.a.teacher)
    data = _create_data(w, out_of="10", period=assessment.period_id, publish_on=assessment.publish_on.isoformat(),
                        version=assessment.version)  # fmt: skip
    response = client.post(reverse("assessment:assessment-update", args=[assessment.pk]), data)
    assert response.status_code == 200
    assert "A mark of 15 is already entered: the scale cannot go below it." in page_text(response)
    assessment.refresh_from_db()
    assert assessment.out_of == 20 and assessment.title == "Contrôle"


def test_an_assessment_changed_meanwhile_is_refused_with_the_other_version(w, client_for):
    assessment = assessment_for(w.a)
    client = client_for(w.a.teacher)
    data = _create_data(w, period=assessment.period_id, publish_on=assessment.publish_on.isoformat(), version=0)
    url = reverse("assessment:assessment-update", args=[assessment.pk])
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "title": "Other"})
    assert "Someone else changed this while you were editing it" in page_text(response)
    assessment.refresh_from_db()
    assert assessment.title == "Fractions"


def test_delete_asks_first_then_deletes_the_marks_too(w, client_for):
    assessment = assessment_for(w.a)
    mark_for(assessment, w.a.student.pk, "12")
    client = client_for(w.a.teacher)
    url = reverse("assessment:assessment-delete", args=[assessment.pk])
    assert "Its 1 mark will be deleted too." in page_text(client.get(url))
    assert client.post(url).status_code == 302
    assert not Assessment.objects.exists() and not Mark.objects.exists()


def test_publish_now_shows_the_marks_today_and_tells_the_family(w, client_for, django_capture_on_commit_callbacks):
    later = timezone.localdate() + datetime.timedelta(days=10)
    assessment = assessment_for(w.a, publish_on=later)
    mark_for(assessment, w.a.student.pk, "12")
    client = client_for(w.a.teacher)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("assessment:assessment-publish", args=[assessment.pk])).status_code == 302
    assessment.refresh_from_db()
    assert assessment.publish_on == timezone.localdate()
    assert assessment.notified_at is not None
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {w.a.student.pk, w.a.parent.pk}


# -- The list --------------------------------------------------------------------------------------------


def test_the_list_shows_own_teachings_assessments_and_counts(w, client_for):
    assessment = assessment_for(w.a, title="Géométrie", publish_on=timezone.localdate() + datetime.timedelta(days=5))
    mark_for(assessment, w.a.student.pk, "12")
    assessment_for(w.c, title="Sud")
    page = page_text(client_for(w.a.teacher).get(reverse("assessment:assessment-list")))
    assert "Géométrie" in page and "Sud" not in page
    assert "1 / 1" in page
    assert "Shown from" in page


def test_the_list_costs_the_same_for_one_and_many_assessments(
    w, client_for, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client = client_for(w.a.teacher)
    assessment_for(w.a)
    url = reverse("assessment:assessment-list")
    client.get(url)
    with django_assert_num_queries(2):  # session and person: the periods and the list from the cache
        client.get(url)
    versions.bump(versions.Kind.ASSESSMENT_TEACHER, w.a.teacher.pk)
    with django_assert_num_queries(5) as one:
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):  # the marks move the teacher's stamp
        for i in range(6):
            mark_for(assessment_for(w.a, title=f"T{i}"), w.a.student.pk, "10")
    with django_assert_num_queries(len(one.captured_queries)):
        page = page_text(client.get(url))
    assert page.count("1 / 1") == 6


def test_the_list_shows_a_saved_mark_and_a_publication_at_once(w, client_for, django_capture_on_commit_callbacks):
    client = client_for(w.a.teacher)
    family = client_for(w.a.student)
    assessment = assessment_for(w.a, publish_on=timezone.localdate() - datetime.timedelta(days=1))
    url = reverse("assessment:assessment-list")
    assert "0 / 1" in page_text(client.get(url))
    assert "<strong>12.00</strong>" not in family.get(reverse("assessment:my-marks")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessment:cell-save", args=[assessment.pk]), cell_post(w.a.student, "12"))
    assert "1 / 1" in page_text(client.get(url))
    assert "<strong>12.00</strong>/20" in family.get(reverse("assessment:my-marks")).content.decode()  # theirs too
    Assessment.objects.filter(pk=assessment.pk).update(publish_on=period_of(w.a).ends_on)
    versions.bump(versions.Kind.ASSESSMENT_TEACHER, w.a.teacher.pk)
    assert "Shown from" in page_text(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessment:assessment-publish", args=[assessment.pk]))
    assert "Shown from" not in page_text(client.get(url))


def test_the_list_costs_the_same_for_one_and_many_teachings(w, client_for, django_assert_num_queries):
    client = client_for(w.a.teacher)
    mark_for(assessment_for(w.a), w.a.student.pk, "10")
    group = f.TeachingGroupFactory(
        establishment=w.a.establishment,
        school_year=SchoolYear.objects.get(establishment=w.a.establishment, is_current=True),
    )
    group_teaching = f.TeachingFactory(
        school_class=None,
        teaching_group=group,
        establishment=w.a.establishment,
        teacher=w.a.teacher,
        subject=w.a.subject,
    )
    url = reverse("assessment:assessment-list")
    client.get(url)
    versions.bump(versions.Kind.ASSESSMENT_TEACHER, w.a.teacher.pk)
    with django_assert_num_queries(6) as one:  # one more than without a group: its students' count
        client.get(url)
    computed = len(one.captured_queries)  # read now: the connection keeps only the last 9,000 queries
    for _ in range(3):
        teaching = f.TeachingFactory(school_class=w.a.class2, teacher=w.a.teacher)
        mark_for(assessment_for(w.a, teaching=teaching), w.a.student2.pk, "11")
    assessment_for(w.a, teaching=group_teaching)
    client.get(url)  # the new teachings moved the structure: the year's periods are read again once
    versions.bump(versions.Kind.ASSESSMENT_TEACHER, w.a.teacher.pk)
    with django_assert_num_queries(computed):
        page = page_text(client.get(url))
    assert page.count('class="card marks-teaching"') == 5


def test_a_locked_period_refuses_a_new_assessment(w, client_for):
    Council.objects.create(
        establishment=w.a.establishment, period=period_of(w.a), school_class=w.a.school_class,
        status=Council.Status.PUBLISHED,
    )  # fmt: skip
    client = client_for(w.a.teacher)
    url = f"{reverse('assessment:assessment-create')}?enseignement={w.a.teaching.pk}"
    assert "This period is locked" in page_text(client.post(url, _create_data(w)))
    assert not Assessment.objects.exists()


# -- The grid ----------------------------------------------------------------------------------------------


def test_the_grid_saves_changed_cells_comma_and_dot_and_statuses(w, client_for):
    students = [w.a.student, *add_students(w, 3)]
    assessment = assessment_for(w.a)
    client = client_for(w.a.teacher)
    url = reverse("assessment:grid", args=[assessment.pk])
    typed = {
        students[0].pk: {"mark": "12,5", "comment": "Good"},
        students[1].pk: {"mark": "7.25"},
        students[2].pk: {"mark": "abs"},
        students[3].pk: {"status": "not_handed_in"},
    }
    response = client.post(url, grid_post(assessment, students, typed))
    assert response.status_code == 302
    saved = {m.student_id: (m.value, m.status, m.comment) for m in Mark.objects.all()}
    assert saved == {
        students[0].pk: (Decimal("12.5"), "", "Good"),
        students[1].pk: (Decimal("7.25"), "", ""),
        students[2].pk: (None, "absent", ""),
        students[3].pk: (None, "not_handed_in", ""),
    }
    page = page_text(client.get(url))
    # Figures over the marks that count: 12.5, 7.25 and 0 (not handed in).
    assert 'data-figure="minimum">0.00' in page and 'data-figure="maximum">12.50' in page
    assert 'data-figure="count">3' in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"mark": "21"}, "Enter a mark between 0 and 20."),
        ({"mark": "-1"}, "Enter a mark between 0 and 20."),
        ({"mark": "abc"}, "Enter a mark such as 12.5 (or abs, disp, nn, nr)."),
        ({"mark": "12.345"}, "Enter a mark with at most 2 decimals."),
        ({"mark": "12", "comment": "x" * 50_000}, "A comment has at most 2000 characters"),
        ({"mark": "12", "status": "absent"}, "Enter a mark or a status, not both."),
        ({"comment": "Alone"}, "Enter a mark or a status to keep a comment."),
    ],
)
def test_bad_input_is_an_error_in_its_cell_and_the_other_cells_are_saved(w, client_for, typed, message):
    other = add_students(w, 1)[0]
    students = [w.a.student, other]
    assessment = assessment_for(w.a)
    client = client_for(w.a.teacher)
    url = reverse("assessment:grid", args=[assessment.pk])
    response = client.post(url, grid_post(assessment, students, {w.a.student.pk: typed, other.pk: {"mark": "14"}}))
    assert response.status_code == 200
    page = page_text(response)
    assert message in page
    assert f'id="grid-error-{w.a.student.pk}"' in page
    assert 'aria-invalid="true"' in page
    if typed.get("mark"):
        assert f'value="{typed["mark"]}"' in page, "what was typed is kept"
    assert list(Mark.objects.values_list("student_id", "value")) == [(other.pk, Decimal("14"))]


def test_an_empty_cell_deletes_the_mark(w, client_for):
    assessment = assessment_for(w.a)
    mark_for(assessment, w.a.student.pk, "12")
    client = client_for(w.a.teacher)
    url = reverse("assessment:grid", args=[assessment.pk])
    assert client.post(url, grid_post(assessment, [w.a.student], {w.a.student.pk: {"mark": ""}})).status_code == 302
    assert not Mark.objects.exists()


def test_a_cell_changed_meanwhile_is_refused_with_both_values_and_the_others_saved(w, client_for):
    other = add_students(w, 1)[0]
    students = [w.a.student, other]
    assessment = assessment_for(w.a)
    mark_for(assessment, w.a.student.pk, "10")
    client = client_for(w.a.teacher)
    url = reverse("assessment:grid", args=[assessment.pk])
    data = grid_post(assessment, students, {w.a.student.pk: {"mark": "11"}, other.pk: {"mark": "9"}})
    Mark.objects.filter(student=w.a.student).update(value=Decimal("13"), version=5)  # someone else, meanwhile
    response = client.post(url, data)
    assert response.status_code == 200
    page = page_text(response)
    assert "Someone else changed this mark meanwhile: it is now 13." in page
    assert 'value="11"' in page, "the person's value is kept"
    assert f'name="version-{w.a.student.pk}" value="5"' in page, "saving again replaces theirs knowingly"
    assert Mark.objects.get(student=w.a.student).value == 13
    assert Mark.objects.get(student=other).value == 9


def test_one_cell_saves_and_answers_the_figures(w, client_for):
    assessment = assessment_for(w.a)
    client = client_for(w.a.teacher)
    url = reverse("assessment:cell-save", args=[assessment.pk])
    answer = client.post(url, cell_post(w.a.student, "12,5")).json()
    assert answer["ok"] and answer["mark"] == "12.5" and answer["version"] == 0
    assert answer["figures"] == {"minimum": "12.50", "maximum": "12.50", "mean": "12.50", "count": 1}
    answer = client.post(url, cell_post(w.a.student, "nr", version=0)).json()
    assert answer["ok"] and answer["status"] == "not_handed_in" and answer["version"] == 1
    stale = client.post(url, cell_post(w.a.student, "14", version=0))
    assert stale.status_code == 200 and not stale.json()["ok"]
    assert stale.json()["conflict"] and "it is now Not handed in" in stale.json()["errors"]["mark"]
    assert stale.json()["version"] == 1


@pytest.mark.parametrize(
    ("post", "message"),
    [({"mark": "21"}, "Enter a mark between 0 and 20."), ({"mark": "-1"}, "Enter a mark between 0 and 20."),
     ({"mark": "abc"}, "Enter a mark such as 12.5"), ({"mark": "12.345"}, "at most 2 decimals"),
     ({"mark": "12", "comment": "x" * 50_000}, "A comment has at most 2000 characters")],
)  # fmt: skip
def test_one_cell_with_bad_input_answers_the_error_for_that_cell(w, client_for, post, message):
    assessment = assessment_for(w.a)
    response = client_for(w.a.teacher).post(
        reverse("assessment:cell-save", args=[assessment.pk]), cell_post(w.a.student, **post)
    )
    assert response.status_code == 200 and not response.json()["ok"]
    assert message in " ".join(response.json()["errors"].values())
    assert not Mark.objects.exists()


def test_one_cell_for_a_student_outside_the_teaching_is_refused(w, client_for):
    assessment = assessment_for(w.a)
    response = client_for(w.a.teacher).post(
        reverse("assessment:cell-save", args=[assessment.pk]), cell_post(w.a.student2, "12")
    )
    assert response.status_code == 200 and not response.json()["ok"]
    assert not Mark.objects.exists()


def test_the_grid_costs_the_same_for_one_and_35_students(w, client_for, django_assert_num_queries):
    assessment = assessment_for(w.a)
    mark_for(assessment, w.a.student.pk, "12")
    client = client_for(w.a.teacher)
    url = reverse("assessment:grid", args=[assessment.pk])
    client.get(url)
    with django_assert_num_queries(7) as one:  # with whether it lists competencies (a link)
        client.get(url)
    for student in add_students(w, 34):
        mark_for(assessment, student.pk, "11")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["form"].cells) == 35


def test_an_assessment_of_competencies_only_takes_no_marks(w, client_for):
    assessment = assessment_for(w.a)
    Assessment.objects.filter(pk=assessment.pk).update(graded=False)
    client = client_for(w.a.teacher)
    assert "evaluates competencies only" in page_text(client.get(reverse("assessment:grid", args=[assessment.pk])))
    answer = client.post(reverse("assessment:cell-save", args=[assessment.pk]), cell_post(w.a.student, "12")).json()
    assert not answer["ok"] and "competencies only" in answer["errors"]["mark"]
    assert not Mark.objects.exists()


def test_clearing_a_cell_someone_else_emptied_meanwhile_is_no_conflict(w, client_for):
    assessment = assessment_for(w.a)
    mark = mark_for(assessment, w.a.student.pk, "12")
    url = reverse("assessment:cell-save", args=[assessment.pk])
    mark.delete()
    answer = client_for(w.a.teacher).post(url, cell_post(w.a.student, "", version=0)).json()
    assert answer["ok"] and answer["version"] is None


@pytest.mark.parametrize("count", [1, 35])
def test_saving_the_grid_costs_the_same_for_1_and_35_cells(w, client_for, django_assert_num_queries, count):
    students = [w.a.student, *add_students(w, count - 1)]
    assessment = assessment_for(w.a)
    client = client_for(w.a.teacher)
    url = reverse("assessment:grid", args=[assessment.pk])
    client.get(url)
    new = grid_post(assessment, students, {s.pk: {"mark": "12"} for s in students})
    with django_assert_num_queries(14):  # the page, the lock, then one insert (in a savepoint)
        assert client.post(url, new).status_code == 302
    changed = grid_post(assessment, students, {s.pk: {"mark": "13"} for s in students})
    with django_assert_num_queries(12):  # the page, the lock, then one update
        assert client.post(url, changed).status_code == 302
    assert set(Mark.objects.values_list("value", flat=True)) == {Decimal(13)}
    assert set(Mark.objects.values_list("version", flat=True)) == {1}


def test_saving_one_cell_costs_the_same_whatever_the_class_size(w, client_for, django_assert_num_queries):
    assessment = assessment_for(w.a)
    client = client_for(w.a.teacher)
    url = reverse("assessment:cell-save", args=[assessment.pk])
    client.get(reverse("assessment:grid", args=[assessment.pk]))
    with django_assert_num_queries(12) as one:
        assert client.post(url, cell_post(w.a.student, "12")).json()["ok"]
    for student in add_students(w, 34):
        mark_for(assessment, student.pk, "10")
    with django_assert_num_queries(len(one.captured_queries) - 2):  # a change: no savepoint around an insert
        answer = client.post(url, cell_post(w.a.student, "14", version=0)).json()
    assert answer["ok"] and answer["figures"]["count"] == 35


def test_publish_now_keeps_an_earlier_day(w, client_for):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assessment = assessment_for(w.a, publish_on=yesterday)
    client_for(w.a.teacher).post(reverse("assessment:assessment-publish", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.publish_on == yesterday


# -- Locked periods --------------------------------------------------------------------------------------


def test_a_locked_period_refuses_marks_and_comments_but_the_head_may(w, client_for):
    assessment = assessment_for(w.a)
    Council.objects.create(
        establishment=w.a.establishment, period=assessment.period, school_class=w.a.school_class,
        status=Council.Status.PUBLISHED,
    )  # fmt: skip
    client = client_for(w.a.teacher)
    page = page_text(client.get(reverse("assessment:grid", args=[assessment.pk])))
    assert "Locked: the report cards of this period are published." in page
    response = client.post(reverse("assessment:cell-save", args=[assessment.pk]), cell_post(w.a.student, "12"))
    assert not response.json()["ok"] and "locked" in response.json()["errors"]["mark"]
    response = client.post(
        reverse("assessment:grid", args=[assessment.pk]),
        grid_post(assessment, [w.a.student], {w.a.student.pk: {"mark": "12"}}),
    )
    assert "This period is locked" in page_text(response)
    url = f"{reverse('assessment:report-comments', args=[w.a.teaching.pk])}?periode={assessment.period_id}"
    response = client.post(url, {f"comment-{w.a.student.pk}": "Good", f"initial-comment-{w.a.student.pk}": ""})
    assert "This period is locked" in page_text(response)
    assert not Mark.objects.exists() and not ReportComment.objects.exists()
    with pytest.raises(services.ApplicationError):
        services.assessment_delete(scope=client.get(url).wsgi_request.scope, assessment=assessment)


# -- The gradebook ---------------------------------------------------------------------------------------


def test_the_gradebook_shows_marks_statuses_averages_and_figures(w, client_for):
    other = add_students(w, 1)[0]
    first = assessment_for(w.a, title="A1", out_of="10", weight="1")
    second = assessment_for(w.a, title="A2", out_of="20", weight="2")
    mark_for(first, w.a.student.pk, "5")
    mark_for(second, w.a.student.pk, "16")
    mark_for(first, other.pk, status="absent")
    mark_for(second, other.pk, "11")
    client = client_for(w.a.teacher)
    url = f"{reverse('assessment:gradebook', args=[w.a.teaching.pk])}?periode={first.period_id}"
    page = page_text(client.get(url))
    # (10 × 1 + 16 × 2) / 3 = 14.00 for the first; 11 for the other (absent does not count).
    assert "14.00" in page and "11.00" in page
    assert 'title="Absent">abs</abbr>' in page
    csv = client.get(f"{reverse('assessment:gradebook-export', args=[w.a.teaching.pk])}?periode={first.period_id}")
    text = csv.content.decode("utf-8-sig")
    assert "abs" in text and "14" in text
    xlsx = client.get(
        f"{reverse('assessment:gradebook-export', args=[w.a.teaching.pk])}?periode={first.period_id}&format=xlsx"
    )
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_gradebook_rounds_averages_half_up_once(w, client_for):
    first = assessment_for(w.a, title="A1")
    second = assessment_for(w.a, title="A2")
    mark_for(first, w.a.student.pk, "12.34")
    mark_for(second, w.a.student.pk, "12.35")
    url = f"{reverse('assessment:gradebook', args=[w.a.teaching.pk])}?periode={first.period_id}"
    page = page_text(client_for(w.a.teacher).get(url))
    assert '<td class="gradebook-average">12.35</td>' in page  # (12.34 + 12.35) / 2 = 12.345


@pytest.mark.parametrize("students", [1, 35])
def test_the_gradebook_costs_the_same_for_1_and_3_assessments_and_1_and_35_students(
    w, client_for, django_assert_num_queries, students
):
    everyone = [w.a.student, *add_students(w, students - 1)]
    first = assessment_for(w.a)
    client = client_for(w.a.teacher)
    url = f"{reverse('assessment:gradebook', args=[w.a.teaching.pk])}?periode={first.period_id}"
    for student in everyone:
        mark_for(first, student.pk, "12")
    client.get(url)
    with django_assert_num_queries(8):
        client.get(url)
    for i in range(2):
        more = assessment_for(w.a, title=f"More {i}")
        for student in everyone:
            mark_for(more, student.pk, "8")
    with django_assert_num_queries(8):
        client.get(url)


# -- Report-card comments ----------------------------------------------------------------------------------


def test_comments_are_saved_per_row_and_a_row_changed_meanwhile_is_refused(w, client_for):
    other = add_students(w, 1)[0]
    period = period_of(w.a)
    client = client_for(w.a.teacher)
    url = f"{reverse('assessment:report-comments', args=[w.a.teaching.pk])}?periode={period.pk}"
    assert client.get(url).status_code == 200
    data = {f"comment-{w.a.student.pk}": "Serious work.", f"initial-comment-{w.a.student.pk}": "",
            f"comment-{other.pk}": "", f"initial-comment-{other.pk}": ""}  # fmt: skip
    assert client.post(url, data).status_code == 302
    row = ReportComment.objects.get()
    assert row.text == "Serious work." and row.author == w.a.teacher
    ReportComment.objects.filter(pk=row.pk).update(text="By someone else", version=3)
    response = client.post(
        url,
        {f"comment-{w.a.student.pk}": "Mine", f"initial-comment-{w.a.student.pk}": "Serious work.",
         f"version-{w.a.student.pk}": "0", f"comment-{other.pk}": "Good", f"initial-comment-{other.pk}": ""},
    )  # fmt: skip
    page = page_text(response)
    assert "Someone else changed this comment meanwhile. Theirs: “By someone else”." in page
    assert "Mine</textarea>" in page
    assert ReportComment.objects.get(student=w.a.student).text == "By someone else"
    assert ReportComment.objects.get(student=other).text == "Good"


def test_a_50_kb_comment_is_refused_next_to_its_row(w, client_for):
    period = period_of(w.a)
    url = f"{reverse('assessment:report-comments', args=[w.a.teaching.pk])}?periode={period.pk}"
    response = client_for(w.a.teacher).post(
        url, {f"comment-{w.a.student.pk}": "x" * 50_000, f"initial-comment-{w.a.student.pk}": ""}
    )
    assert "A comment has at most 2000 characters (it has 50000)." in page_text(response)
    assert not ReportComment.objects.exists()


# -- Settings ----------------------------------------------------------------------------------------------


def test_the_head_sets_the_delay_the_colour_and_subject_weights(w, client_for):
    client = client_for(w.a.head)
    url = reverse("assessment:settings")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"publication_delay_days": "2", "report_heading": "", "report_colour": "blue"})
    assert "Enter a colour as # followed by 6 hexadecimal digits." in page_text(bad)
    assert not AssessmentSettings.objects.exists()
    ok = client.post(url, {"publication_delay_days": "2", "report_heading": "Bulletin", "report_colour": "#AA0000"})
    assert ok.status_code == 302
    current = AssessmentSettings.objects.get()
    assert (current.publication_delay_days, current.report_colour) == (2, "#aa0000")
    create = reverse("assessment:subject-weight-create")
    assert client.post(create, {"subject": w.a.subject.pk, "level": "", "weight": "0"}).status_code == 200
    assert client.post(create, {"subject": w.a.subject.pk, "level": "", "weight": "3"}).status_code == 302
    again = client.post(create, {"subject": w.a.subject.pk, "level": "", "weight": "2"})
    assert "This subject already has a weight for this level" in page_text(again)
    row = SubjectWeight.objects.get()
    update = reverse("assessment:subject-weight-update", args=[row.pk])
    response = client.post(update, {"subject": w.a.subject.pk, "level": "", "weight": "4,5", "version": 0})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.weight == Decimal("4.5")
    assert client.post(reverse("assessment:subject-weight-delete", args=[row.pk])).status_code == 302
    assert not SubjectWeight.objects.exists()


def test_two_heads_changing_the_settings_at_once_do_not_overwrite_each_other(w, client_for):
    AssessmentSettings.objects.create(establishment=w.a.establishment)
    other_head = f.person(w.a.establishment, Role.STAFF, StaffFunction.HEAD, username="head2.a")
    refused = race_on_form(
        reverse("assessment:settings"),
        first=client_for(w.a.head),
        second=client_for(other_head),
        first_data={"publication_delay_days": "3", "report_heading": "First", "report_colour": "#111111"},
        second_data={"publication_delay_days": "5", "report_heading": "Second", "report_colour": "#222222"},
    )
    assert 'value="Second"' in page_text(refused)
    assert AssessmentSettings.objects.get().report_heading == "First"


def test_another_establishments_subject_is_not_offered(w, client_for):
    response = client_for(w.a.head).post(
        reverse("assessment:subject-weight-create"), {"subject": w.c.subject.pk, "level": "", "weight": "2"}
    )
    assert response.status_code == 200
    assert not SubjectWeight.objects.exists()


# -- Families told -------------------------------------------------------------------------------------------


def test_a_published_assessment_with_marks_is_announced_once_to_students_and_guardians(w):
    assessment = assessment_for(w.a, title="Fractions")
    mark_for(assessment, w.a.student.pk, "12")
    unpublished = assessment_for(w.a, title="Later", publish_on=timezone.localdate() + datetime.timedelta(days=2))
    mark_for(unpublished, w.a.student.pk, "12")
    assessment_for(w.a, title="No marks")
    call_command("notify_published_marks", stdout=io.StringIO())
    notes = list(Notification.objects.all())
    assert {n.recipient_id for n in notes} == {w.a.student.pk, w.a.parent.pk}
    assert len(notes) == 2
    text = render(notes[0])
    assert "New marks in Mathématiques: Fractions" in text
    call_command("notify_published_marks", stdout=io.StringIO())
    assert Notification.objects.count() == 2, "a second run tells nobody again"
    unpublished.refresh_from_db()
    assert unpublished.notified_at is None


def test_the_announcement_costs_the_same_for_one_and_many_assessments(w, django_assert_num_queries):
    mark_for(assessment_for(w.a), w.a.student.pk, "12")
    with django_assert_num_queries(8) as one:
        services.marks_published_notify()
    students = add_students(w, 5)
    for i in range(4):
        assessment = assessment_for(w.a, title=f"T{i}")
        for student in students:
            mark_for(assessment, student.pk, "9")
    with django_assert_num_queries(len(one.captured_queries)):
        assert services.marks_published_notify() == 4


def test_the_grid_links_to_the_competencies_of_an_assessment_that_lists_some(w, client_for):
    from ..models import Competency

    assessment = assessment_for(w.a)
    url = reverse("assessment:grid", args=[assessment.pk])
    link = reverse("assessment:assessment-competencies", args=[assessment.pk])
    client = client_for(w.a.teacher)
    assert link not in client.get(url).content.decode()
    assessment.competencies.set([Competency.objects.filter(establishment__isnull=True).first()])
    assert link in client.get(url).content.decode()
