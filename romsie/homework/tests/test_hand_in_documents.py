"""A homework hand-in also lands in the teacher's hand-in folder of the documents."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from romsie.core.testing.factories import scope_of, session_on
from romsie.documents import access
from romsie.documents.models import Collection, Dropbox, Node
from romsie.documents.tests.matrix import enable
from romsie.homework import services as homework_services
from romsie.homework.models import Homework
from romsie.homework.tests.builders import PDF, entry_for, homework_for
from romsie.homework.tests.builders import enable as enable_homework


@pytest.fixture
def assignment(world) -> Homework:
    enable_homework(world.a)
    today = timezone.localdate()
    past = session_on(world.a.teaching, today - datetime.timedelta(days=1))
    return homework_for(
        entry_for(past), due_on=today + datetime.timedelta(days=6), kind=Homework.Kind.HAND_IN, text="Essay"
    )


def _pdf(name: str = "essay.pdf", body: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def test_a_hand_in_lands_in_the_teachers_collection_and_a_new_one_adds_a_version(world, assignment):
    enable(world.a)
    student = scope_of(world.a.student)
    homework_services.submission_save(scope=student, homework=assignment, upload=_pdf())
    collection = Collection.objects.get(source=f"homework:{assignment.pk}")
    assert collection.created_by_id == world.a.teacher.pk and collection.school_class_id == world.a.school_class.pk
    box = Dropbox.objects.get(collection=collection, student=world.a.student)
    (file,) = Node.objects.filter(parent=box.folder)
    assert file.name == "essay.pdf" and file.size_bytes == len(PDF)
    assert access.find_node(student, file.pk) is not None
    assert access.find_node(scope_of(world.a.teacher), file.pk) is not None
    homework_services.submission_save(scope=student, homework=assignment, upload=_pdf(body=PDF + b"v2"))
    file.refresh_from_db()
    assert file.current.number == 2 and Collection.objects.filter(source=f"homework:{assignment.pk}").count() == 1


def test_without_the_documents_service_the_hand_in_stays_in_homework_only(world, assignment):
    homework_services.submission_save(scope=scope_of(world.a.student), homework=assignment, upload=_pdf())
    assert not Collection.objects.exists()
