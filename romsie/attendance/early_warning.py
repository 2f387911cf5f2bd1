"""Early warning: a student who reaches a threshold of unjustified half-days in a month is signalled once.

``thresholds_check`` runs in a task after absences change (``tasks.enqueue_thresholds_check``,
which ``services`` calls); it sits below ``services`` and ``tasks`` so that both may use it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats

from romsie.identity.models import Role, RoleAssignment, StaffFunction, User
from romsie.notifications.services import Batch, notify_many
from romsie.schooling.models import Enrollment

from . import selectors
from .models import Threshold, ThresholdAlert

DEFAULT_THRESHOLD_HALF_DAYS = 4


def thresholds_in_use(establishment_id: int) -> list[Threshold]:
    """The establishment's active thresholds; the default one (4 half-days) is created when there is none at all."""
    thresholds = list(Threshold.objects.filter(establishment_id=establishment_id).order_by("half_days"))
    if not thresholds:
        Threshold.objects.bulk_create(
            [Threshold(establishment_id=establishment_id, half_days=DEFAULT_THRESHOLD_HALF_DAYS)],
            ignore_conflicts=True,
        )
        thresholds = list(Threshold.objects.filter(establishment_id=establishment_id).order_by("half_days"))
    return [t for t in thresholds if t.is_active]


def _alert_recipients(establishment_id: int, student_ids: Sequence[int]) -> tuple[list[int], dict[int, int]]:
    """The establishment's school-life staff, and each student's homeroom teacher (two queries)."""
    school_life = list(
        RoleAssignment.objects.filter(
            establishment_id=establishment_id,
            is_active=True,
            role=Role.STAFF,
            function=StaffFunction.SCHOOL_LIFE,
        ).values_list("user_id", flat=True)
    )
    homeroom: QuerySet[Any, Any] = Enrollment.objects.filter(
        establishment_id=establishment_id,
        student_id__in=student_ids,
        school_class__school_year__is_current=True,
        school_class__homeroom_teacher_id__isnull=False,
    ).values_list("student_id", "school_class__homeroom_teacher_id")
    return school_life, dict(homeroom)


def threshold_params(params: dict[str, Any]) -> dict[str, Any]:
    """Word a threshold alert's stored params in the reader's language."""
    month = datetime.date.fromisoformat(params["month"])
    return {**params, "month": formats.date_format(month, "YEAR_MONTH_FORMAT")}


@transaction.atomic
def thresholds_check(
    *, establishment_id: int, student_ids: Sequence[int], month: datetime.date
) -> list[ThresholdAlert]:
    """Raise the alerts of the students who crossed a threshold in a month: once per threshold, student and month.

    Counts each student's unjustified half-days of the month (``selectors.students_totals``)
    and creates the missing :class:`ThresholdAlert` rows, each in its own savepoint: a
    concurrent check that created the same alert first makes the insert fail on the unique
    constraint and this one leaves it out, so nobody is told twice. The homeroom teacher and
    the school-life staff are told of the new alerts in one bulk notify.
    """
    first_day, last_day = selectors.month_bounds(month)
    thresholds = thresholds_in_use(establishment_id)
    ids = sorted(set(student_ids))
    if not thresholds or not ids:
        return []
    totals = selectors.students_totals(
        establishment_id=establishment_id, student_ids=ids, first_day=first_day, last_day=last_day
    )
    already = set(
        ThresholdAlert.objects.filter(threshold__in=thresholds, student_id__in=ids, month=first_day).values_list(
            "threshold_id", "student_id"
        )
    )
    raised: list[ThresholdAlert] = []
    for threshold in thresholds:
        for student_id in ids:
            count = totals[student_id].unjustified
            if count < threshold.half_days or (threshold.pk, student_id) in already:
                continue
            try:
                with transaction.atomic():
                    alert = ThresholdAlert.objects.create(
                        establishment_id=establishment_id,
                        threshold=threshold,
                        student_id=student_id,
                        month=first_day,
                        half_days=count,
                    )
            except IntegrityError:
                continue  # raised by a concurrent check
            raised.append(alert)
    if raised:
        _notify_alerts(establishment_id, raised)
    return raised


def _notify_alerts(establishment_id: int, alerts: Sequence[ThresholdAlert]) -> int:
    student_ids = sorted({a.student_id for a in alerts})
    school_life, homeroom = _alert_recipients(establishment_id, student_ids)
    names = {u.pk: u.get_full_name() for u in User.objects.filter(pk__in=student_ids)}
    thresholds = {t.pk: t.half_days for t in Threshold.objects.filter(pk__in={a.threshold_id for a in alerts})}
    batches = []
    for alert in alerts:
        recipients = [*school_life]
        if alert.student_id in homeroom:
            recipients.append(homeroom[alert.student_id])
        params = {
            "student": names.get(alert.student_id, ""),
            "half_days": alert.half_days,
            "threshold": thresholds.get(alert.threshold_id, alert.half_days),
            "month": alert.month.isoformat(),
        }
        batches.append(Batch(recipients, params, reverse("attendance:student", args=[alert.student_id])))
    return notify_many("attendance.threshold_reached", batches, establishment_id=establishment_id)
