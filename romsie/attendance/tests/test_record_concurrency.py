"""Threshold checks run at once (several absences entered together): one alert, one notification each.

Real threads, each with its own connection, on PostgreSQL; skipped on SQLite.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from romsie.attendance import early_warning
from romsie.attendance.models import Absence, Threshold, ThresholdAlert
from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql
from romsie.notifications.models import Notification

from .builders import enable

pytestmark = committed_db

COUNT = 8


def test_concurrent_checks_raise_one_alert_and_notify_once(world):
    skip_unless_postgresql()
    a = world.a
    enable(a)
    a.school_class.homeroom_teacher = a.teacher
    a.school_class.save(update_fields=["homeroom_teacher"])
    for day in (9, 10):
        Absence.objects.create(
            establishment=a.establishment,
            student=a.student,
            starts_at=timezone.make_aware(datetime.datetime(2026, 11, day, 8)),
            ends_at=timezone.make_aware(datetime.datetime(2026, 11, day, 17)),
        )

    results = run_concurrently(
        COUNT,
        lambda i: early_warning.thresholds_check(
            establishment_id=a.establishment.pk, student_ids=[a.student.pk], month=datetime.date(2026, 11, 1)
        ),
    )

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], f"no check may fail: {errors[:3]}"
    assert sum(len(r) for r in results) == 1, "exactly one call raised the alert"
    assert Threshold.objects.filter(establishment=a.establishment).count() == 1
    assert ThresholdAlert.objects.filter(student=a.student).count() == 1
    told = list(Notification.objects.filter(kind="attendance.threshold_reached").values_list("recipient_id", flat=True))
    assert sorted(told) == sorted([a.teacher.pk, a.school_life.pk])
