"""Work handed in: deadlines, replacement, the teacher's list, feedback; bulk notifications."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from romsie.core.errors import ApplicationError
from romsie.core.testing import factories as f
from romsie.homework import services
from romsie.homework.models import Homework, Submission
from romsie.identity.models import Role
from romsie.notifications.models import Notification

from .builders import PDF, entry_for, homework_for, scope_of


def _pdf(name: str = "work.pdf", body: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture
def assignment(log) -> Homework:
    return homework_for(entry_for(log.past), due_on=log.next.date, kind=Homework.Kind.HAND_IN, text="Essay")


def test_student_hands_in_and_replaces_until_the_deadline(
    log, assignment, client_for, django_capture_on_commit_callbacks
):
    w = log.world
    client = client_for(w.a.student)
    response = client.post(reverse("homework:submission-create", args=[assignment.pk]), {"file": _pdf()})
    assert response.status_code == 302
    first = Submission.objects.get()
    assert not first.is_late and first.student_id == w.a.student.pk
    old_name = first.file.name

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("homework:submission-create", args=[assignment.pk]), {"file": _pdf("v2.pdf", PDF + b"v2")})
    second = Submission.objects.get()
    assert (second.pk, second.name, second.is_late) == (first.pk, "v2.pdf", False)
    assert second.file.read() == PDF + b"v2"
    assert not second.file.storage.exists(old_name)  # the replaced file is gone


def test_first_hand_in_after_the_deadline_is_accepted_and_flagged_late(log, assignment):
    after = assignment.deadline_at + datetime.timedelta(minutes=1)
    submission = services.submission_save(
        scope=scope_of(log.world.a.student), homework=assignment, upload=_pdf(), now=after
    )
    assert submission.is_late


def test_work_handed_in_on_time_cannot_be_replaced_after_the_deadline(log, assignment):
    scope = scope_of(log.world.a.student)
    on_time = services.submission_save(scope=scope, homework=assignment, upload=_pdf())
    with pytest.raises(ApplicationError, match="deadline has passed"):
        services.submission_save(
            scope=scope,
            homework=assignment,
            upload=_pdf("late.pdf"),
            now=assignment.deadline_at + datetime.timedelta(hours=1),
        )
    kept = Submission.objects.get()
    assert (kept.name, kept.is_late, kept.submitted_at) == ("work.pdf", False, on_time.submitted_at)


def test_late_work_can_be_replaced_while_still_late(log, assignment):
    scope = scope_of(log.world.a.student)
    after = assignment.deadline_at + datetime.timedelta(minutes=1)
    services.submission_save(scope=scope, homework=assignment, upload=_pdf(), now=after)
    services.submission_save(scope=scope, homework=assignment, upload=_pdf("v2.pdf"), now=after)
    assert list(Submission.objects.values_list("name", "is_late")) == [("v2.pdf", True)]


def test_only_work_to_hand_in_and_only_the_student(log, assignment, client_for):
    w = log.world
    exercise = homework_for(assignment.entry, due_on=log.next.date)
    with pytest.raises(ApplicationError):
        services.submission_save(scope=scope_of(w.a.student), homework=exercise, upload=_pdf())
    with pytest.raises(ApplicationError):
        services.submission_save(scope=scope_of(w.a.parent), homework=assignment, upload=_pdf())
    fake = SimpleUploadedFile("work.pdf", b"MZ not a pdf", content_type="application/pdf")
    client_for(w.a.student).post(reverse("homework:submission-create", args=[assignment.pk]), {"file": fake})
    response = client_for(w.a.student2).post(
        reverse("homework:submission-create", args=[assignment.pk]), {"file": _pdf()}
    )
    assert response.status_code == 404
    assert not Submission.objects.exists()


def test_teacher_sees_who_has_and_has_not_handed_in_downloads_and_returns(log, assignment, client_for):
    w = log.world
    late = f.person(w.a.establishment, Role.STUDENT, username="late.one", last_name="Aaron")
    f.EnrollmentFactory(school_class=w.a.school_class, student=late)
    missing = f.person(w.a.establishment, Role.STUDENT, username="missing", last_name="Zola")
    f.EnrollmentFactory(school_class=w.a.school_class, student=missing)
    services.submission_save(scope=scope_of(w.a.student), homework=assignment, upload=_pdf())
    services.submission_save(
        scope=scope_of(late),
        homework=assignment,
        upload=_pdf("late.pdf"),
        now=assignment.deadline_at + datetime.timedelta(1),
    )
    teacher = client_for(w.a.teacher)
    page = teacher.get(reverse("homework:submission-list", args=[assignment.pk]))
    rows = {row.student.pk: row.submission for row in page.context["rows"]}
    assert rows[missing.pk] is None and rows[late.pk].is_late and not rows[w.a.student.pk].is_late
    assert (page.context["handed"], page.context["missing"]) == (2, 1)

    archive = teacher.get(reverse("homework:submission-zip", args=[assignment.pk]))
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    mine = f"{slugify(w.a.student.last_name)}-{slugify(w.a.student.first_name)}-work.pdf"
    assert sorted(names) == sorted([f"aaron-{slugify(late.first_name)}-late-late.pdf", mine])

    submission = Submission.objects.get(student=w.a.student)
    download = teacher.get(reverse("homework:submission-download", args=[submission.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="work.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"

    response = teacher.post(
        reverse("homework:submission-return", args=[submission.pk]),
        {"feedback": "Good work", "corrected": _pdf("corrected.pdf")},
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (
        submission.feedback == "Good work" and submission.returned_at and submission.corrected_name == "corrected.pdf"
    )
    notified = set(Notification.objects.filter(kind="homework.work_returned").values_list("recipient_id", flat=True))
    assert notified == {w.a.student.pk, w.a.parent.pk}
    corrected = client_for(w.a.parent).get(reverse("homework:submission-corrected", args=[submission.pk]))
    assert corrected.status_code == 200
    assert (
        client_for(w.a.parent2).get(reverse("homework:submission-corrected", args=[submission.pk])).status_code == 404
    )


# -- Bulk notification when publishing -------------------------------------------------------


def _class_of(log, size: int) -> None:
    w = log.world
    for i in range(size - 1):  # the world's student is already there
        student = f.person(w.a.establishment, Role.STUDENT, username=f"pupil.{i}")
        f.EnrollmentFactory(school_class=w.a.school_class, student=student)
        for rank in (1, 2):
            guardian = f.person(w.a.establishment, Role.PARENT, username=f"guardian.{i}.{rank}")
            f.GuardianshipFactory(establishment=w.a.establishment, guardian=guardian, student=student, rank=rank)


@pytest.mark.parametrize("size", [5, 35])
def test_publishing_notifies_the_class_and_guardians_in_bulk(log, size):
    _class_of(log, size)
    scope = scope_of(log.world.a.teacher)
    data = services.EntryData(
        title="",
        content="x",
        publish=True,
        homework=(services.HomeworkData(kind="exercise", instructions="Ex. 1", due_on=log.next.date),),
    )
    with CaptureQueriesContext(connection) as queries:
        services.entry_save(scope=scope, session=log.past, data=data)
    # Same number of queries for 5 and 35 students (and their guardians); one of them locks the
    # session's row, so two first entries of one session cannot both be created.
    assert len(queries) == 16
    assert Notification.objects.filter(kind="homework.entry_published").count() == size + 2 * (size - 1) + 1
    assert timezone.now()  # the entry is marked notified, once
