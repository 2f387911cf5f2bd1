"""The demo's marks, competencies and councils (``assessment.demo``)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.core.testing import factories as f
from romsie.core.testing.factories import _level
from romsie.schooling.models import Teaching

from .. import demo
from ..models import (
    Assessment,
    Competency,
    CompetencyEvaluation,
    Council,
    CouncilDecision,
    Mark,
    ReportComment,
    SubjectWeight,
)
from .builders import enable, period_of

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def populated(world):
    enable(world.a, world.b)
    period_of(world.a)
    period_of(world.b)
    french = f.SubjectFactory(establishment=world.a.establishment, code="FRANC", name="Français")
    f.TeachingFactory(school_class=world.a.school_class, teacher=world.a.teacher, subject=french)
    # A CE1 class in the elementary school, with pupils (cycle 2).
    ce1 = f.SchoolClassFactory(establishment=world.b.establishment, name="CE1 A", code="CE1A", level=_level("CE1"))
    ce1.homeroom_teacher = world.b.teacher
    ce1.save()
    f.TeachingFactory(school_class=ce1, teacher=world.b.teacher, subject=world.b.subject)
    for index in range(5):
        f.EnrollmentFactory(
            school_class=ce1, student=f.person(world.b.establishment, "student", last_name=f"Pupil{index}")
        )
    rows = demo.populate(
        [world.a.establishment.pk, world.b.establishment.pk], seed=7, featured_student_ids=[world.a.student.pk]
    )
    return world, rows, ce1


def test_every_teaching_of_the_college_has_a_term_of_marks_some_still_hidden(populated):
    w, rows, _ce1 = populated
    today = timezone.localdate()
    assert rows > 0
    for teaching in Teaching.objects.filter(establishment=w.a.establishment):
        count = Assessment.objects.filter(teaching=teaching, period=period_of(w.a)).count()
        assert 3 <= count <= 6
    assessments = Assessment.objects.filter(establishment=w.a.establishment)
    assert assessments.filter(publish_on__gt=today).exists() and assessments.filter(publish_on__lte=today).exists()
    assert not assessments.filter(date__gt=today).exists()
    assert Mark.objects.filter(establishment=w.a.establishment, student=w.a.student).count() == assessments.count()
    assert set(assessments.values_list("out_of", flat=True)) > {20} or assessments.count() < 4
    assert SubjectWeight.objects.filter(establishment=w.a.establishment, subject__code="FRANC").exists()


def test_one_class_has_a_prepared_council_and_the_featured_students_class_a_published_one(populated):
    w, _rows, _ce1 = populated
    published = Council.objects.get(establishment=w.a.establishment, status=Council.Status.PUBLISHED)
    assert published.school_class == w.a.school_class and published.published_at and published.validated_by
    prepared = Council.objects.get(establishment=w.a.establishment, status=Council.Status.PREPARED)
    assert prepared.school_class == w.a.class2 and prepared.published_at is None
    decision = CouncilDecision.objects.get(council=published, student=w.a.student)
    assert decision.general_comment
    comments = ReportComment.objects.filter(period=published.period, student=w.a.student)
    assert comments.count() == Teaching.objects.filter(school_class=w.a.school_class).count()
    assert all(comment.text and comment.author_id == w.a.teacher.pk for comment in comments)


def test_a_parent_of_the_published_class_sees_the_marks_and_the_report_cards_page(populated, client_for):
    w, _rows, _ce1 = populated
    client = client_for(w.a.parent)
    shown = Assessment.objects.filter(establishment=w.a.establishment, publish_on__lte=timezone.localdate()).first()
    hidden = Assessment.objects.filter(establishment=w.a.establishment, publish_on__gt=timezone.localdate()).first()
    assert shown is not None and hidden is not None
    page = client.get(reverse("assessment:my-marks")).content.decode()
    assert f'id="mark-{shown.pk}"' in page and f'id="mark-{hidden.pk}"' not in page
    assert client.get(reverse("assessment:my-report-cards")).status_code == 200


def test_the_primary_school_evaluates_its_pupils_on_its_cycle_items(populated):
    w, _rows, ce1 = populated
    items = Competency.objects.filter(establishment=w.b.establishment)
    assert items.filter(cycle=2).exists()
    assert all(item.component and item.component.establishment_id is None for item in items)
    pupils = ce1.enrollments.values("student_id")
    evaluations = CompetencyEvaluation.objects.filter(establishment=w.b.establishment, student_id__in=pupils)
    assert set(evaluations.values_list("student_id", flat=True)) == set(pupils.values_list("student_id", flat=True))
    assert set(evaluations.values_list("competency__cycle", flat=True)) == {2}
    assert set(evaluations.values_list("level", flat=True)) <= {1, 2, 3, 4}
    assert not Assessment.objects.filter(establishment=w.b.establishment).exists()  # no marks in primary school


def test_the_national_components_come_back_when_a_reset_removed_them(world):
    Competency.objects.filter(establishment__isnull=True).delete()
    demo.populate([], seed=1)
    assert Competency.objects.filter(establishment__isnull=True).count() == 8


def test_with_a_previous_period_the_class_is_published_for_it_and_prepared_for_the_current_one(world):
    import datetime

    from romsie.schooling.models import Period, SchoolYear

    enable(world.a)
    today = timezone.localdate()
    year = SchoolYear.objects.get(establishment=world.a.establishment, is_current=True)
    before = Period.objects.create(
        establishment=world.a.establishment,
        school_year=year,
        name="Trimestre 1",
        starts_on=today - datetime.timedelta(days=100),
        ends_on=today - datetime.timedelta(days=10),
    )
    current = Period.objects.create(
        establishment=world.a.establishment,
        school_year=year,
        name="Trimestre 2",
        starts_on=today - datetime.timedelta(days=9),
        ends_on=today + datetime.timedelta(days=80),
    )
    demo.populate([world.a.establishment.pk], seed=3, featured_student_ids=[world.a.student.pk])
    councils = {c.status: c for c in Council.objects.filter(school_class=world.a.school_class)}
    assert councils[Council.Status.PUBLISHED].period == before
    assert councils[Council.Status.PREPARED].period == current
    marks = Mark.objects.filter(student=world.a.student)
    assert marks.filter(assessment__period=before).exists() and marks.filter(assessment__period=current).exists()
    assert not marks.filter(assessment__period=before, assessment__publish_on__gt=today).exists()
    assert not Council.objects.filter(school_class=world.a.class2).exists()
