"""Background work of school life: check the early-warning thresholds after absences change.

The parts that create or change absences call :func:`enqueue_thresholds_check` inside their
transaction; the check runs once it commits (``core.tasks.enqueue_on_commit``). This module
runs ``services`` and is imported by nothing below it (no import cycle).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django_tasks import task

from romsie.core.tasks import enqueue_on_commit

from . import early_warning


@task()
def thresholds_check_task(establishment_id: int, student_ids: list[int], month: str) -> int:
    """Raise the threshold alerts of these students for a month (an ISO date in it); return how many."""
    alerts = early_warning.thresholds_check(
        establishment_id=establishment_id, student_ids=student_ids, month=datetime.date.fromisoformat(month)
    )
    return len(alerts)


def enqueue_thresholds_check(*, establishment_id: int, student_ids: Iterable[int], month: datetime.date) -> None:
    """Check the thresholds of these students for the month of ``month`` once the current transaction commits."""
    ids = sorted(set(student_ids))
    if ids:
        enqueue_on_commit(thresholds_check_task, establishment_id, ids, month.replace(day=1).isoformat())
