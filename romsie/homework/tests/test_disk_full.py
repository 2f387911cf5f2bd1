"""A full disk: log attachments and work handed in fail cleanly and leave nothing behind.

``small_disk`` mounts a real 256 KiB tmpfs as the file storage (root only, skipped otherwise).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from romsie.homework import services
from romsie.homework.models import Homework, LogAttachment, LogEntry, Submission

from .builders import entry_for, homework_for, scope_of

TITLE = "Fractions, chapter 3"
CONTENT = "We added fractions with different denominators."
INSTRUCTIONS = "Exercise 5 page 12"


def _pdf(name: str = "sheet.pdf", size: int = 1024) -> SimpleUploadedFile:
    head = b"%PDF-1.4\n"
    return SimpleUploadedFile(name, head + b"x" * (size - len(head)), content_type="application/pdf")


def _entry_post(log, upload):
    return {
        "title": TITLE,
        "content": CONTENT,
        "links": "",
        "publish_at": "",
        "homework-TOTAL_FORMS": "1",
        "homework-INITIAL_FORMS": "0",
        "homework-MIN_NUM_FORMS": "0",
        "homework-MAX_NUM_FORMS": "10",
        "homework-0-kind": "exercise",
        "homework-0-instructions": INSTRUCTIONS,
        "homework-0-due_on": log.next.date.isoformat(),
        "action": "publish",
        "uploads": [upload],
    }


def test_log_attachment_on_a_full_disk_leaves_no_file_and_keeps_the_text(log, client_for, small_disk):
    client = client_for(log.world.a.teacher)
    url = reverse("homework:entry-create", args=[log.past.pk])
    small_disk.fill(leave=32 * 1024)

    response = client.post(url, _entry_post(log, _pdf(size=100 * 1024)))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The server could not store your file sheet.pdf" in page and "try again later" in page
    assert TITLE in page and CONTENT in page and INSTRUCTIONS in page
    assert not LogEntry.objects.exists() and not LogAttachment.objects.exists() and not Homework.objects.exists()
    assert small_disk.stored_files() == []

    small_disk.free()
    response = client.post(url, _entry_post(log, _pdf()))
    assert response.status_code == 302
    attachment = LogAttachment.objects.get()
    assert attachment.entry.title == TITLE
    assert small_disk.stored_files() == [attachment.file.name]


@pytest.fixture
def assignment(log) -> Homework:
    return homework_for(entry_for(log.past), due_on=log.next.date, kind=Homework.Kind.HAND_IN, text="Essay")


def test_work_handed_in_on_a_full_disk_is_refused_and_the_previous_one_kept(
    log, assignment, client_for, small_disk, django_capture_on_commit_callbacks
):
    client = client_for(log.world.a.student)
    url = reverse("homework:submission-create", args=[assignment.pk])
    small_disk.fill(leave=32 * 1024)

    response = client.post(url, {"file": _pdf("essay.pdf", 100 * 1024)}, follow=True)
    assert "The server could not store your file essay.pdf" in response.content.decode()
    assert not Submission.objects.exists() and small_disk.stored_files() == []

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"file": _pdf("essay.pdf")}).status_code == 302
    first = Submission.objects.get()
    assert small_disk.stored_files() == [first.file.name]

    # Replacing it while the disk is full keeps the work already handed in, file and row.
    small_disk.fill()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": _pdf("essay-v2.pdf")}, follow=True)
    assert "The server could not store your file essay-v2.pdf" in response.content.decode()
    kept = Submission.objects.get()
    assert (kept.name, kept.file.name) == ("essay.pdf", first.file.name)
    assert small_disk.stored_files() == [first.file.name]


def test_returning_a_corrected_file_on_a_full_disk_keeps_the_feedback_typed(log, assignment, client_for, small_disk):
    submission = services.submission_save(
        scope=scope_of(log.world.a.student), homework=assignment, upload=_pdf("essay.pdf")
    )
    small_disk.fill()

    response = client_for(log.world.a.teacher).post(
        reverse("homework:submission-return", args=[submission.pk]),
        {"feedback": "Well argued, check the spelling", "corrected": _pdf("corrected.pdf")},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The server could not store your file corrected.pdf" in page and "Well argued, check the spelling" in page
    submission.refresh_from_db()
    assert submission.returned_at is None and not submission.corrected_file
    assert small_disk.stored_files() == [submission.file.name]
