"""Two people entering overlapping absences of one student at once: one is recorded, the other refused.

Real threads, each with its own connection, on PostgreSQL; skipped on SQLite.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from romsie.attendance import services
from romsie.attendance.models import Absence
from romsie.core.errors import ApplicationError
from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql
from romsie.core.testing.factories import scope_of
from romsie.identity.models import User

from .builders import enable

pytestmark = committed_db

COUNT = 8


def test_concurrent_overlapping_absences_record_one_and_refuse_the_others(world):
    skip_unless_postgresql()
    a = world.a
    enable(a)
    staff = [a.school_life, a.head]
    day = timezone.localdate() - datetime.timedelta(days=1)

    def enter(i: int) -> Absence:
        # Each call its own span, all overlapping 10:00-11:00 of the same day.
        starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8 + i % 3, 0)))
        ends_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(11, 30)))
        return services.absence_create(
            scope=scope_of(staff[i % 2]),
            student=User.objects.get(pk=a.student.pk),
            starts_at=starts_at,
            ends_at=ends_at,
        )

    results = run_concurrently(COUNT, enter)

    recorded = [r for r in results if isinstance(r, Absence)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    others = [r for r in results if not isinstance(r, Absence | ApplicationError)]
    assert others == [], f"no call may fail otherwise: {others[:3]}"
    assert len(recorded) == 1
    assert len(refused) == COUNT - 1
    assert all(error.extra.get("code") == "overlap" for error in refused)
    assert Absence.objects.filter(student=a.student).count() == 1
