"""Homework-log objects for tests: sessions of a teaching, entries, homework, hand-ins."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from romsie.core.testing.factories import scope_of, session_on
from romsie.core.testing.world import EstablishmentWorld
from romsie.homework.models import Homework, LogAttachment, LogEntry, PlannerEntry, Submission
from romsie.timetable.models import Session

SERVICES = ["directory", "timetable", "homework"]
PDF = b"%PDF-1.4 test file\n"


def enable(*worlds: EstablishmentWorld) -> None:
    """Switch the homework (and timetable) services on in these establishments."""
    for ew in worlds:
        ew.establishment.enabled_services = SERVICES
        ew.establishment.save(update_fields=["enabled_services"])


def entry_for(
    session: Session,
    *,
    status: str = LogEntry.Status.PUBLISHED,
    publish_at: datetime.datetime | None = None,
    content: str = "<p>Fractions, exercises 1 to 4.</p>",
) -> LogEntry:
    return LogEntry.objects.create(
        establishment_id=session.establishment_id,
        teaching_id=session.teaching_id,
        session=session,
        date=session.date,
        starts_at=session.starts_at,
        author_id=session.teacher_id,
        content_html=content,
        status=status,
        publish_at=publish_at,
    )


def homework_for(
    entry: LogEntry, *, due_on: datetime.date, kind: str = Homework.Kind.EXERCISE, text: str = "Exercise 5 page 12"
) -> Homework:
    return Homework.objects.create(
        establishment_id=entry.establishment_id,
        entry=entry,
        teaching_id=entry.teaching_id,
        kind=kind,
        instructions=text,
        due_on=due_on,
        duration_minutes=20,
    )


def objects(ew: EstablishmentWorld) -> dict[str, Any]:
    """One of everything in the establishment (built once per world), for the permission matrix."""
    cached: dict[str, Any] | None = ew.__dict__.get("homework_objects")
    if cached is not None:
        return cached
    enable(ew)
    today = timezone.localdate()
    session = session_on(ew.teaching, today - datetime.timedelta(days=1))
    entry = entry_for(session)
    homework = homework_for(entry, due_on=today + datetime.timedelta(days=3), kind=Homework.Kind.HAND_IN)
    attachment = LogAttachment.objects.create(
        establishment=ew.establishment,
        entry=entry,
        file=ContentFile(PDF, name="sheet.pdf"),
        name="sheet.pdf",
        content_type="application/pdf",
        size_bytes=len(PDF),
    )
    submission = Submission.objects.create(
        establishment=ew.establishment,
        homework=homework,
        student=ew.student,
        file=ContentFile(PDF, name="work.pdf"),
        name="work.pdf",
        content_type="application/pdf",
        size_bytes=len(PDF),
        submitted_at=timezone.now(),
        corrected_file=ContentFile(PDF, name="corrected.pdf"),
        corrected_name="corrected.pdf",
        corrected_content_type="application/pdf",
        returned_at=timezone.now(),
    )
    planner = PlannerEntry.objects.create(
        establishment=ew.establishment, student=ew.student, title="Revise", due_on=today
    )
    next_session = session_on(ew.teaching, today + datetime.timedelta(days=7))
    built = {
        "session": next_session,
        "entry": entry,
        "homework": homework,
        "attachment": attachment,
        "submission": submission,
        "planner": planner,
        "teaching": ew.teaching,
        "class": ew.school_class,
    }
    ew.__dict__["homework_objects"] = built
    return built


__all__ = ["scope_of", "session_on"]
