"""Reads of school life: a session's roll, the day's register, a student's record and totals.

Every read starts from ``access``; list pages cost a fixed number of queries whatever their length.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, IntegerField, Prefetch, QuerySet, Subquery, Value

from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.core.pagination import KeysetPage, keyset_page
from romsie.schooling.models import SchoolYear

from . import access
from .models import Absence, Exemption, Justification, JustificationStatus, Lateness, Sanction

# -- Roll call -------------------------------------------------------------------------------


# -- School-life office ------------------------------------------------------------------------


# -- A student's record ------------------------------------------------------------------------

# What a family may still justify (a refused justification may be given again, with another reason).
OPEN_STATUSES = (JustificationStatus.UNJUSTIFIED, JustificationStatus.REFUSED)


def year_start(establishment_id: int | None) -> Subquery:
    """The first day of the establishment's current school year, as a subquery (no query of its own)."""
    return Subquery(
        SchoolYear.objects.filter(establishment_id=establishment_id, is_current=True).values("starts_on")[:1]
    )


def _with_last_justification(rows: list[Any]) -> list[Any]:
    """Give each absence or lateness its newest justification (``last_justification``, None if none)."""
    for row in rows:
        found = list(row.justifications.all())
        row.last_justification = found[0] if found else None
        row.is_open = row.status in OPEN_STATUSES
    return rows


@dataclass
class FamilyRecord:
    """A student's school-life page of the current year: what happened, newest first, and what may be justified."""

    student_id: int
    may_justify: bool
    absences: list[Absence] = field(default_factory=list)
    lateness: list[Lateness] = field(default_factory=list)
    exemptions: list[Exemption] = field(default_factory=list)
    sanctions: list[Sanction] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.absences or self.lateness or self.exemptions or self.sanctions)


def family_record(scope: Scope, student_id: int) -> FamilyRecord:
    """The record of the student the person follows (``access.followed_student_id``): seven queries, any length."""
    start = year_start(scope.establishment_id)
    newest = Prefetch("justifications", queryset=Justification.objects.select_related("reason").order_by("-pk"))
    absences = list(
        access.visible_absences(scope)
        .filter(student_id=student_id, starts_at__date__gte=start)
        .select_related("reason", "session__teaching__subject")
        .prefetch_related(newest)
        .order_by("-starts_at", "-pk")
    )
    lateness = list(
        access.visible_lateness(scope)
        .filter(student_id=student_id, arrived_at__date__gte=start)
        .select_related("reason", "session__teaching__subject")
        .prefetch_related(newest)
        .order_by("-arrived_at", "-pk")
    )
    exemptions = list(
        Exemption.objects.filter(
            establishment_id=scope.establishment_id,
            student_id__in=access.visible_students(scope).filter(pk=student_id).values("pk"),
            ends_on__gte=start,
        )
        .select_related("subject")
        .order_by("-starts_on", "-pk")
    )
    sanctions = list(
        access.visible_sanctions(scope)
        .filter(student_id=student_id, starts_at__date__gte=start)
        .order_by("-starts_at", "-pk")
    )
    return FamilyRecord(
        student_id=student_id,
        may_justify=access.may_justify(scope, student_id),
        absences=_with_last_justification(absences),
        lateness=_with_last_justification(lateness),
        exemptions=exemptions,
        sanctions=sanctions,
    )


@dataclass(frozen=True)
class RecentEvent:
    """An absence or a lateness on the dashboard widget."""

    pk: int
    when: datetime.datetime
    is_absence: bool
    status: str
    minutes: int

    @property
    def status_label(self) -> str:
        return str(JustificationStatus(self.status).label)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class RecordSummary:
    """The dashboard widget's figures: unjustified absences of the year and the last events."""

    unjustified: int
    recent: list[RecentEvent]


def record_summary(scope: Scope, student_id: int, *, size: int = 4) -> RecordSummary:
    """The widget's summary of a student's year: two queries."""
    start = year_start(scope.establishment_id)
    absences = access.visible_absences(scope).filter(
        student_id=student_id, kind=Absence.Kind.ABSENCE, starts_at__date__gte=start
    )
    unjustified = absences.filter(status__in=OPEN_STATUSES).count()
    recent_absences = (
        absences.annotate(when=F("starts_at"), is_absence=Value(1), late=Value(0, output_field=IntegerField()))
        .values_list("pk", "when", "is_absence", "status", "late")
        .order_by()
    )
    recent_lateness = (
        access.visible_lateness(scope)
        .filter(student_id=student_id, arrived_at__date__gte=start)
        .annotate(when=F("arrived_at"), is_absence=Value(0), late=F("minutes"))
        .values_list("pk", "when", "is_absence", "status", "late")
        .order_by()
    )
    rows = recent_absences.union(recent_lateness, all=True).order_by("-when")[:size]
    recent = [RecentEvent(pk, when, bool(flag), status, minutes) for pk, when, flag, status, minutes in rows]
    return RecordSummary(unjustified=unjustified, recent=recent)


def justification_page(scope: Scope, *, state: str, cursor: str, size: int = 30) -> KeysetPage[Justification]:
    """Justifications to review (``state``: a status, or "" for all), newest first; one query."""
    rows: QuerySet[Justification] = access.reviewable_justifications(scope).select_related(
        "reason", "absence__student", "lateness__student", "submitted_by"
    )
    if state:
        rows = rows.filter(status=state)
    return keyset_page(rows, time_field="submitted_at", cursor=cursor, size=size)


def pending_justification_count(scope: Scope) -> int:
    """How many justifications wait for a review (one query)."""
    return access.reviewable_justifications(scope).filter(status=Justification.Status.PENDING).count()


def justification_detail(scope: Scope, pk: int) -> Justification:
    """A justification to review, with its absence or lateness, student and reasons (or 404)."""
    return first_or_404(
        access.reviewable_justifications(scope)
        .filter(pk=pk)
        .select_related(
            "reason",
            "absence__student",
            "absence__session__teaching__subject",
            "lateness__student",
            "lateness__session__teaching__subject",
            "submitted_by",
            "reviewed_by",
        )
    )


# -- Incidents and sanctions ---------------------------------------------------------------------
