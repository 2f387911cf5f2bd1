"""Objects of the families' part of school life for tests: absences, lateness, justifications, a small PNG."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from romsie.attendance.models import Absence, AbsenceReason, Justification, JustificationStatus, Lateness, Sanction
from romsie.identity.models import User

# A real 1x1 PNG: a phone's photo of a certificate, in miniature.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00"
    b"\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4 a medical certificate\n"


def png(name: str = "certificate.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name: str = "certificate.pdf", size: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + b"x" * max(0, size - len(PDF)), content_type="application/pdf")


def absence_for(
    student: User,
    establishment_id: int,
    *,
    days_ago: int = 1,
    status: str = JustificationStatus.UNJUSTIFIED,
    kind: str = Absence.Kind.ABSENCE,
) -> Absence:
    start = timezone.now().replace(hour=8, minute=0, second=0, microsecond=0) - datetime.timedelta(days=days_ago)
    return Absence.objects.create(
        establishment_id=establishment_id,
        student=student,
        kind=kind,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=4),
        status=status,
    )


def lateness_for(student: User, establishment_id: int, *, days_ago: int = 1, minutes: int = 10) -> Lateness:
    arrived = timezone.now().replace(hour=8, minute=10, second=0, microsecond=0) - datetime.timedelta(days=days_ago)
    return Lateness.objects.create(
        establishment_id=establishment_id, student=student, arrived_at=arrived, minutes=minutes
    )


def sanction_for(student: User, establishment_id: int, *, days_ago: int = 2) -> Sanction:
    return Sanction.objects.create(
        establishment_id=establishment_id,
        student=student,
        kind=Sanction.Kind.DETENTION,
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        reason="Insolence towards a supervisor",
    )


def reason_of(establishment_id: int, label: str = "Illness", **fields: Any) -> AbsenceReason:
    reason, _ = AbsenceReason.objects.get_or_create(establishment_id=establishment_id, label=label, defaults=fields)
    return reason


def justification_for(absence: Absence, by: User, *, comment: str = "Flu") -> Justification:
    justification = Justification.objects.create(
        establishment_id=absence.establishment_id,
        absence=absence,
        reason=reason_of(absence.establishment_id),
        comment=comment,
        submitted_by=by,
        size_bytes=0,
    )
    absence.status = JustificationStatus.PENDING
    absence.save(update_fields=["status"])
    return justification
