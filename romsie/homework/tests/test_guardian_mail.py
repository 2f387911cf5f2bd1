"""Homework notifications reach only the guardians who receive school mail (``Guardianship.receives_mail``)."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from romsie.core.testing.factories import GuardianshipFactory, person
from romsie.homework import services
from romsie.homework.models import Homework, Submission
from romsie.identity.models import Role, User
from romsie.notifications.models import Notification

from .builders import PDF, entry_for, homework_for, scope_of


def _quiet_guardian(log) -> User:
    """A second guardian of ``a``'s student, who receives no school mail."""
    a = log.world.a
    quiet = person(a.establishment, Role.PARENT, username="quiet.a", last_name="Sanscourrier")
    GuardianshipFactory(establishment=a.establishment, guardian=quiet, student=a.student, receives_mail=False)
    return quiet


def _notified(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def test_a_guardian_who_receives_no_school_mail_is_not_told_of_published_homework(log):
    a = log.world.a
    quiet = _quiet_guardian(log)
    due = log.next.date
    data = services.EntryData(
        title="Fractions",
        content="<p>Fractions</p>",
        publish=True,
        homework=(services.HomeworkData(kind=Homework.Kind.EXERCISE, instructions="Exercise 5", due_on=due),),
    )
    services.entry_save(scope=scope_of(a.teacher), data=data, session=log.past)
    notified = _notified("homework.entry_published")
    assert {a.student.pk, a.parent.pk} <= notified and quiet.pk not in notified


def test_a_guardian_who_receives_no_school_mail_is_not_told_of_returned_work(log):
    a = log.world.a
    quiet = _quiet_guardian(log)
    homework = homework_for(
        entry_for(log.past), due_on=log.today + datetime.timedelta(days=3), kind=Homework.Kind.HAND_IN
    )
    submission = Submission.objects.create(
        establishment=a.establishment,
        homework=homework,
        student=a.student,
        file=ContentFile(PDF, name="work.pdf"),
        name="work.pdf",
        content_type="application/pdf",
        size_bytes=len(PDF),
        submitted_at=timezone.now(),
    )
    services.submission_return(scope=scope_of(a.teacher), submission=submission, feedback="Good work")
    assert _notified("homework.work_returned") == {a.student.pk, a.parent.pk}
    assert quiet.pk not in _notified("homework.work_returned")
