"""Marks objects for tests: the service switched on, periods, assessments and marks."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from romsie.core.testing.world import EstablishmentWorld
from romsie.schooling.models import Period, SchoolYear, Teaching

from ..models import Assessment, Council, Mark, ReportCard

PDF = b"%PDF-1.4\n%test report card\n%%EOF\n"
SERVICES = ["directory", "timetable", "homework", "attendance", "assessment"]


def enable(*worlds: EstablishmentWorld) -> None:
    """Switch marks and report cards (and what they build on) on in these establishments."""
    for ew in worlds:
        ew.establishment.enabled_services = SERVICES
        ew.establishment.save(update_fields=["enabled_services"])


def period_of(ew: EstablishmentWorld, *, today: datetime.date | None = None) -> Period:
    """The establishment's period around today (made once: the current year's whole span)."""
    today = today or timezone.localdate()
    year = SchoolYear.objects.get(establishment=ew.establishment, is_current=True)
    period = Period.objects.filter(establishment=ew.establishment, school_year=year).first()
    if period is None:
        period = Period.objects.create(
            establishment=ew.establishment,
            school_year=year,
            name="Trimestre 1",
            starts_on=today - datetime.timedelta(days=60),
            ends_on=today + datetime.timedelta(days=60),
        )
    return period


def assessment_for(
    ew: EstablishmentWorld,
    *,
    teaching: Teaching | None = None,
    title: str = "Contrôle",
    out_of: str = "20",
    weight: str = "1",
    date: datetime.date | None = None,
    publish_on: datetime.date | None = None,
) -> Assessment:
    """An assessment of the world's teaching (or another one), published today unless told."""
    teaching = teaching or ew.teaching
    day = date or timezone.localdate()
    return Assessment.objects.create(
        establishment=ew.establishment,
        teaching=teaching,
        period=period_of(ew),
        title=title,
        date=day,
        out_of=Decimal(out_of),
        weight=Decimal(weight),
        publish_on=publish_on or day,
        created_by=teaching.teacher,
    )


def mark_for(assessment: Assessment, student_id: int, value: str | None = None, *, status: str = "") -> Mark:
    """A mark (or a status) of a student in an assessment."""
    return Mark.objects.create(
        establishment_id=assessment.establishment_id,
        assessment=assessment,
        student_id=student_id,
        value=Decimal(value) if value is not None else None,
        status=status,
        updated_by=assessment.created_by,
    )


def report_card_for(ew: EstablishmentWorld, council: Council) -> ReportCard:
    """A (tiny) PDF report card of the world's student in a council."""
    card = ReportCard(
        establishment=ew.establishment,
        council=council,
        student=ew.student,
        name="bulletin.pdf",
        content_type="application/pdf",
        size_bytes=len(PDF),
    )
    card.file.save("bulletin.pdf", ContentFile(PDF), save=False)
    card.save()
    return card


def latin_across_classes(ew: EstablishmentWorld) -> Teaching:
    """A Latin group of the world's two classes, with one student of each, taught by the world's teacher."""
    from romsie.core.testing import factories as f
    from romsie.schooling.models import GroupMembership

    assert ew.class2 is not None and ew.student2 is not None
    group = f.TeachingGroupFactory(establishment=ew.establishment, name="Latin")
    group.school_classes.set([ew.school_class, ew.class2])
    for student in (ew.student, ew.student2):
        GroupMembership.objects.create(establishment=ew.establishment, teaching_group=group, student=student)
    teaching: Teaching = f.TeachingFactory(
        school_class=None,
        teaching_group=group,
        establishment=ew.establishment,
        teacher=ew.teacher,
        subject=f.SubjectFactory(establishment=ew.establishment, code="LAT", name="Latin"),
    )
    return teaching
