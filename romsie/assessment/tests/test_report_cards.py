"""Report cards as PDF: rendering, the background generation and its progress, publication to families."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from romsie.notifications.kinds import render
from romsie.notifications.models import Notification

from .. import report_cards
from ..models import AssessmentSettings, Council, CouncilDecision, Mention, ReportCard, ReportCardRun, ReportComment
from .builders import assessment_for, enable, mark_for, period_of
from .builders_councils import add_students, add_teachings, council_of, homeroom, mark_everyone

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def w(world):
    enable(world.a, world.c)
    homeroom(world.a)
    period_of(world.a)
    return world


def text_of(card: ReportCard) -> str:
    with card.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def _validated_with_data(w):
    council = council_of(w.a, Council.Status.VALIDATED)
    council.validated_by = w.a.head
    council.save(update_fields=["validated_by"])
    maths = assessment_for(w.a, out_of="40")
    mark_for(maths, w.a.student.pk, "30")
    ReportComment.objects.create(
        establishment=w.a.establishment,
        period=council.period,
        teaching=w.a.teaching,
        student=w.a.student,
        text="Steady work in class.",
        author=w.a.teacher,
    )
    CouncilDecision.objects.create(
        establishment=w.a.establishment,
        council=council,
        student=w.a.student,
        general_comment="A very good term, well done.",
        mention=Mention.CONGRATULATIONS,
        decision="Passes to the next level",
    )
    AssessmentSettings.objects.create(
        establishment=w.a.establishment, report_heading="Académie du Nord", report_colour="#aa3300"
    )
    return council


def test_a_report_card_shows_the_student_the_averages_the_comments_and_the_council(w):
    council = _validated_with_data(w)
    run = report_cards.generate_for_council(council, requested_by=w.a.head)
    assert run.status == ReportCardRun.Status.DONE and (run.done, run.total) == (2, 2)
    card = ReportCard.objects.get(council=council, student=w.a.student)
    text = text_of(card)
    assert w.a.student.last_name.upper() in text and w.a.student.first_name in text
    assert w.a.establishment.name in text and w.a.establishment.uai in text and "Académie du Nord" in text
    assert w.a.school_class.name in text and council.period.name in text
    assert w.a.subject.name in text and "15" in text  # 30/40 is 15/20
    assert "Steady work in class." in text
    assert "A very good term, well done." in text and "Congratulations" in text and "Passes to the next level" in text
    assert w.a.head.get_full_name() in text
    assert card.content_type == "application/pdf" and card.size_bytes == card.file.size


def test_the_class_file_holds_every_students_page(w):
    others = add_students(w.a, 2)
    council = council_of(w.a, Council.Status.VALIDATED)
    report_cards.generate_for_council(council, requested_by=w.a.head)
    whole = ReportCard.objects.get(council=council, student__isnull=True)
    text = text_of(whole)
    for student in [w.a.student, *others]:
        assert student.last_name.upper() in text
    assert ReportCard.objects.filter(council=council, student__isnull=False).count() == 3


def test_generating_again_replaces_the_files_and_leaves_no_orphan(w, django_capture_on_commit_callbacks):
    council = council_of(w.a, Council.Status.VALIDATED)
    report_cards.generate_for_council(council, requested_by=w.a.head)
    old = list(ReportCard.objects.values_list("file", flat=True))
    storage = ReportCard._meta.get_field("file").storage
    with django_capture_on_commit_callbacks(execute=True):
        report_cards.generate_for_council(council, requested_by=w.a.head)
    assert ReportCard.objects.count() == 2
    new = set(ReportCard.objects.values_list("file", flat=True))
    assert not new & set(old)
    assert all(storage.exists(name) for name in new)
    assert not any(storage.exists(name) for name in old)


def test_a_failed_render_marks_the_run_failed_and_keeps_the_earlier_cards(w, monkeypatch):
    council = council_of(w.a, Council.Status.VALIDATED)
    report_cards.generate_for_council(council, requested_by=w.a.head)
    before = set(ReportCard.objects.values_list("pk", flat=True))

    def broken(**kwargs):
        raise RuntimeError("font missing")

    monkeypatch.setattr(report_cards, "card_html", broken)
    run = report_cards.generate_for_council(council, requested_by=w.a.head)
    assert run.status == ReportCardRun.Status.FAILED and run.error == "The report cards could not be generated."
    assert set(ReportCard.objects.values_list("pk", flat=True)) == before


def test_a_class_without_students_fails_with_a_message(w):
    from romsie.schooling.models import Enrollment

    Enrollment.objects.filter(school_class=w.a.school_class).delete()
    run = report_cards.generate_for_council(council_of(w.a, Council.Status.VALIDATED), requested_by=w.a.head)
    assert run.status == ReportCardRun.Status.FAILED and "no student" in run.error


@pytest.mark.parametrize("students", [1, 35])
def test_a_class_is_rendered_in_a_bounded_number_of_queries(w, django_assert_num_queries, students):
    add_students(w.a, students - 1)
    mark_everyone(w.a, add_teachings(w.a, 4), 3)
    council = council_of(w.a, Council.Status.VALIDATED)
    # Reads: a fixed number, whatever the numbers of students, subjects and assessments; writes:
    # the progress (one update per student, for the bar), then the files' rows at once.
    with django_assert_num_queries(QUERIES_RENDER + students):
        run = report_cards.generate_for_council(council, requested_by=w.a.head)
    assert run.status == ReportCardRun.Status.DONE and run.done == students + 1


QUERIES_RENDER = 21


def test_the_head_generates_through_the_task_and_follows_the_progress(
    w, client_for, django_capture_on_commit_callbacks
):
    council = council_of(w.a, Council.Status.VALIDATED)
    head = client_for(w.a.head)
    url = reverse("assessment:report-cards-generate", kwargs={"pk": w.a.school_class.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = head.post(f"{url}?periode={council.period.pk}")
    run = ReportCardRun.objects.get(council=council)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "assessment:report-cards-progress", kwargs={"pk": w.a.school_class.pk, "run": run.pk}
    )
    assert run.status == ReportCardRun.Status.DONE  # the test backend runs the task at commit
    page = head.get(response["Location"]).content.decode()
    assert 'value="100"' in page and "whole class" in page
    state = head.get(response["Location"] + "?json=1").json()
    assert state == {
        "status": "done",
        "label": "Done",
        "done": 2,
        "total": 2,
        "percent": 100,
        "finished": True,
        "error": "",
    }


def test_a_second_generation_while_one_runs_returns_the_running_one(w, client_for):
    council = council_of(w.a, Council.Status.VALIDATED)
    running = ReportCardRun.objects.create(
        establishment=w.a.establishment, council=council, requested_by=w.a.head, status="running", total=2, done=1
    )
    url = reverse("assessment:report-cards-generate", kwargs={"pk": w.a.school_class.pk})
    response = client_for(w.a.head).post(f"{url}?periode={council.period.pk}")
    assert response["Location"].endswith(f"/{running.pk}/")
    assert ReportCardRun.objects.count() == 1
    page = client_for(w.a.head).get(response["Location"]).content.decode()
    assert 'value="50"' in page and "assessment/councils.js" in page and "Refresh" in page


def test_a_generation_abandoned_long_ago_does_not_block_a_new_one(w, client_for):
    import datetime

    from django.utils import timezone

    council = council_of(w.a, Council.Status.VALIDATED)
    lost = ReportCardRun.objects.create(
        establishment=w.a.establishment, council=council, requested_by=w.a.head, status="running", total=2, done=1
    )
    ReportCardRun.objects.filter(pk=lost.pk).update(requested_at=timezone.now() - datetime.timedelta(hours=1))
    url = reverse("assessment:report-cards-generate", kwargs={"pk": w.a.school_class.pk})
    response = client_for(w.a.head).post(f"{url}?periode={council.period.pk}")
    assert not response["Location"].endswith(f"/{lost.pk}/")
    assert ReportCardRun.objects.count() == 2


def test_generation_needs_a_validated_council(w, client_for):
    council = council_of(w.a, Council.Status.PREPARED)
    url = reverse("assessment:report-cards-generate", kwargs={"pk": w.a.school_class.pk})
    client_for(w.a.head).post(f"{url}?periode={council.period.pk}")
    assert not ReportCardRun.objects.exists()


def test_published_report_cards_reach_the_family_and_reopening_takes_them_back(w, client_for):
    council = _validated_with_data(w)
    report_cards.generate_for_council(council, requested_by=w.a.head)
    card = ReportCard.objects.get(council=council, student=w.a.student)
    file_url = reverse("assessment:report-card-file", kwargs={"pk": card.pk})
    parent = client_for(w.a.parent)
    assert parent.get(file_url).status_code == 404
    publish = reverse("assessment:council-publish", kwargs={"pk": w.a.school_class.pk})
    client_for(w.a.head).post(f"{publish}?periode={council.period.pk}")
    council.refresh_from_db()
    assert council.status == Council.Status.PUBLISHED and council.published_at is not None
    told = Notification.objects.filter(kind="assessment.report_card_published")
    assert set(told.values_list("recipient_id", flat=True)) == {w.a.student.pk, w.a.parent.pk}
    assert w.a.school_class.name in render(told.first()) and told.first().url == file_url
    response = parent.get(file_url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    reopen = reverse("assessment:council-reopen", kwargs={"pk": w.a.school_class.pk})
    client_for(w.a.head).post(f"{reopen}?periode={council.period.pk}")
    assert parent.get(file_url).status_code == 404
