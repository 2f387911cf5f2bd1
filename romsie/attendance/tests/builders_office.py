"""School-life office objects for tests: absences, lateness, exemptions, reasons."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from romsie.attendance.models import Absence, AbsenceReason, Exemption, Lateness
from romsie.core.testing.factories import scope_of, session_on
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


__all__ = ["scope_of", "session_on"]
