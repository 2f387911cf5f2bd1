"""Writes of school life: roll calls, absences and lateness, justifications, incidents and sanctions.

Every write is keyword-only, takes the actor's ``scope``, runs in a transaction, audits the
sensitive ones and tells families after the commit, in bulk (``notify_families``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from romsie.identity.models import Guardianship
from romsie.notifications.kinds import local_date, local_time
from romsie.notifications.services import Batch, notify_many

from .models import Absence, Lateness

# -- Family alerts ---------------------------------------------------------------------------


def guardian_ids_by_student(establishment_id: int, student_ids: Sequence[int]) -> dict[int, list[int]]:
    """The guardians of each student in the establishment (one query)."""
    found: dict[int, list[int]] = {}
    rows: QuerySet[Any, Any] = Guardianship.objects.filter(
        establishment_id=establishment_id, student_id__in=student_ids
    ).values_list("student_id", "guardian_id")
    for student_id, guardian_id in rows:
        found.setdefault(student_id, []).append(guardian_id)
    return found


def absence_params(params: dict[str, Any]) -> dict[str, Any]:
    """Word an absence alert's stored params in the reader's language."""
    return {**params, "date": local_date(params["date"]), "time": local_time(params["time"])}


def notify_families(
    *,
    establishment_id: int,
    absences: Sequence[Absence] = (),
    lateness: Sequence[Lateness] = (),
    actor_id: int | None,
    names: dict[int, str],
    what: dict[int, str] | None = None,
) -> int:
    """Tell each child's guardians (and the child) of their new absences and lateness, in one bulk notify per kind.

    ``names`` gives each student's name; ``what`` the session or period each absence is about
    (an absence without one says its day and time). Runs inside the caller's transaction:
    the notifications are written with the absences, the e-mails leave after the commit.
    """
    students = sorted({a.student_id for a in absences} | {late.student_id for late in lateness})
    guardians = guardian_ids_by_student(establishment_id, students)
    sent = 0
    what = what or {}
    for kind, items in (("attendance.absence", absences), ("attendance.lateness", lateness)):
        batches = []
        for item in items:
            moment = timezone.localtime(item.starts_at if isinstance(item, Absence) else item.arrived_at)
            params = {
                "student": names.get(item.student_id, ""),
                "date": moment.date().isoformat(),
                "time": moment.time().replace(second=0, microsecond=0).isoformat(),
                "what": what.get(item.pk, ""),
                "minutes": getattr(item, "minutes", 0),
            }
            url = reverse("attendance:home")
            batches.append(Batch([item.student_id, *guardians.get(item.student_id, [])], params, url))
        if batches:
            sent += notify_many(kind, batches, establishment_id=establishment_id, actor_id=actor_id)
    return sent


# -- Roll call -------------------------------------------------------------------------------


# -- School-life office ------------------------------------------------------------------------


# -- Justifications ------------------------------------------------------------------------------


# -- Incidents and sanctions ---------------------------------------------------------------------
