"""School-life office objects for tests: absences, lateness, exemptions, reasons."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from romsie.attendance.models import Absence, AbsenceReason, Exemption, Lateness
from romsie.core.testing.world import EstablishmentWorld

PDF = b"%PDF-1.4 certificate\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def absence_for(
    ew: EstablishmentWorld, *, day: datetime.date | None = None, kind: str = Absence.Kind.ABSENCE, **kwargs: Any
) -> Absence:
    day = day or timezone.localdate()
    return Absence.objects.create(
        establishment=ew.establishment,
        student=kwargs.pop("student", ew.student),
        kind=kind,
        starts_at=at(day, 8),
        ends_at=at(day, 12),
        **kwargs,
    )


def lateness_for(ew: EstablishmentWorld, *, day: datetime.date | None = None, **kwargs: Any) -> Lateness:
    day = day or timezone.localdate()
    return Lateness.objects.create(
        establishment=ew.establishment,
        student=kwargs.pop("student", ew.student),
        arrived_at=at(day, 8, 10),
        minutes=kwargs.pop("minutes", 10),
        **kwargs,
    )


def exemption_for(ew: EstablishmentWorld, *, with_file: bool = True) -> Exemption:
    today = timezone.localdate()
    exemption = Exemption(
        establishment=ew.establishment,
        student=ew.student,
        subject=ew.subject,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=30),
    )
    if with_file:
        exemption.name, exemption.content_type, exemption.size_bytes = "certificat.pdf", "application/pdf", len(PDF)
        exemption.file.save("certificat.pdf", ContentFile(PDF), save=False)
    exemption.save()
    return exemption


def reason_for(ew: EstablishmentWorld, label: str = "Maladie", justifies: bool = True) -> AbsenceReason:
    return AbsenceReason.objects.create(establishment=ew.establishment, label=label, justifies=justifies)


def scope_of(user: Any) -> Any:
    """The scope ``user`` gets in their first establishment, as a request would compute it."""
    from django.test import RequestFactory

    from romsie.identity.scope import compute_scope

    request = RequestFactory().get("/")
    request.user = user
    request.session = {}  # type: ignore[assignment]
    return compute_scope(request)


def session_on(teaching: Any, day: datetime.date, hour: int = 9) -> Any:
    """A session of the teaching on ``day`` from ``hour`` to ``hour``:55 (its weekly lesson created if needed)."""
    from romsie.schooling.models import SchoolYear
    from romsie.timetable.models import Lesson, Session

    year = SchoolYear.objects.get(establishment_id=teaching.establishment_id, is_current=True)
    starts_at, ends_at = datetime.time(hour), datetime.time(hour, 55)
    lesson, _ = Lesson.objects.get_or_create(
        teaching=teaching,
        weekday=min(day.weekday(), 5),
        starts_at=starts_at,
        weeks="",
        defaults={"establishment_id": teaching.establishment_id, "school_year": year, "ends_at": ends_at},
    )
    return Session.objects.create(
        establishment_id=teaching.establishment_id,
        lesson=lesson,
        teaching=teaching,
        teacher_id=teaching.teacher_id,
        date=day,
        starts_at=starts_at,
        ends_at=ends_at,
        planned_date=day,
        planned_starts_at=starts_at,
        planned_teacher_id=teaching.teacher_id,
    )


def called(session: Any, by: Any, marks: dict[Any, str]) -> Any:
    """Call the roll of ``session``: ``marks`` maps students to a mark status (the others present)."""
    from romsie.attendance.models import AttendanceMark, RollCall

    roll = RollCall.objects.create(
        establishment_id=session.establishment_id, session=session, called_by=by, called_at=timezone.now()
    )
    AttendanceMark.objects.bulk_create(
        [
            AttendanceMark(
                establishment_id=session.establishment_id,
                roll_call=roll,
                session=session,
                student=student,
                status=status,
                minutes_late=5 if status == "late" else None,
            )
            for student, status in marks.items()
        ]
    )
    return roll
