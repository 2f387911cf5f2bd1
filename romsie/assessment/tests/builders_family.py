"""Objects for the families' tests: a second teaching, many assessments, a published report card."""

from __future__ import annotations

import datetime

from django.utils import timezone

from romsie.core.testing import factories as f
from romsie.core.testing.world import EstablishmentWorld
from romsie.schooling.models import Period, Teaching

from ..models import Assessment, Council, ReportCard
from .builders import assessment_for, mark_for, period_of, report_card_for


def second_teaching(ew: EstablishmentWorld, *, name: str = "Français", code: str = "FRA") -> Teaching:
    """Another subject taught to the world's class, by the same teacher."""
    subject = f.SubjectFactory(establishment=ew.establishment, code=f"{code}{ew.establishment.pk}", name=name)
    return f.TeachingFactory(school_class=ew.school_class, teacher=ew.teacher, subject=subject)


def marked(
    ew: EstablishmentWorld,
    value: str | None,
    *,
    title: str = "Contrôle",
    teaching: Teaching | None = None,
    out_of: str = "20",
    weight: str = "1",
    days_ago: int = 1,
    publish_in: int | None = None,
    status: str = "",
    others: tuple[str, ...] = (),
) -> Assessment:
    """An assessment with the world's student's mark (and ``others`` for made-up classmates)."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    publish_on = timezone.localdate() + datetime.timedelta(days=publish_in) if publish_in is not None else day
    assessment = assessment_for(
        ew, teaching=teaching, title=title, out_of=out_of, weight=weight, date=day, publish_on=publish_on
    )
    mark_for(assessment, ew.student.pk, value, status=status)
    for other in others:
        classmate = f.person(ew.establishment, "student")
        f.EnrollmentFactory(school_class=ew.school_class, student=classmate)
        mark_for(assessment, classmate.pk, other)
    return assessment


def published_card(
    ew: EstablishmentWorld, *, status: str = Council.Status.PUBLISHED, period: Period | None = None
) -> ReportCard:
    """A report card of the world's student for the period (the current one by default), its council in ``status``."""
    council = Council.objects.create(
        establishment=ew.establishment, period=period or period_of(ew), school_class=ew.school_class, status=status
    )
    return report_card_for(ew, council)
