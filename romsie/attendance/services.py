"""Writes of school life: roll calls, absences and lateness, justifications, incidents and sanctions.

Every write is keyword-only, takes the actor's ``scope``, runs in a transaction, audits the
sensitive ones and tells families after the commit, in bulk (``notify_families``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.services import audit_record
from romsie.identity.models import Guardianship, Role, RoleAssignment, StaffFunction, User
from romsie.notifications.kinds import local_date, local_time
from romsie.notifications.services import Batch, notify_many
from romsie.schooling.models import Enrollment

from . import access, selectors
from .models import Absence, Incident, IncidentStudent, Lateness, Sanction, Threshold, ThresholdAlert

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


# -- A student's record, early warning -----------------------------------------------------------

DEFAULT_THRESHOLD_HALF_DAYS = 4


def record_read(*, scope: Scope, student: User) -> bool:
    """Write a read of a student's record by staff outside their classes to the audit log; say if it was."""
    if not access.read_needs_audit(scope, student.pk):
        return False
    audit_record(scope=scope, action="attendance.record_read", target=student, student_id=student.pk)
    return True


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


@transaction.atomic
def threshold_create(*, scope: Scope, half_days: int) -> Threshold:
    """Add an alert threshold to the establishment (one per number of half-days)."""
    assert scope.establishment_id is not None
    thresholds_in_use(scope.establishment_id)
    if Threshold.objects.filter(establishment_id=scope.establishment_id, half_days=half_days).exists():
        raise ApplicationError(_("There is already a threshold of this number of half-days."))
    threshold = Threshold.objects.create(establishment_id=scope.establishment_id, half_days=half_days)
    audit_record(scope=scope, action="attendance.threshold_create", target=threshold, half_days=half_days)
    return threshold


@transaction.atomic
def threshold_delete(*, scope: Scope, threshold: Threshold) -> None:
    """Remove an alert threshold (its alerts go with it)."""
    audit_record(scope=scope, action="attendance.threshold_delete", target=threshold, half_days=threshold.half_days)
    threshold.delete()


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


@transaction.atomic
def alert_handle(*, scope: Scope, alert: ThresholdAlert) -> None:
    """Mark an alert handled by school life."""
    alert.handled_by_id = scope.user_id
    alert.handled_at = timezone.now()
    alert.save(update_fields=["handled_by", "handled_at"])
    audit_record(scope=scope, action="attendance.alert_handle", target=alert, student_id=alert.student_id)


# -- Incidents and sanctions ---------------------------------------------------------------------


@transaction.atomic
def incident_report(
    *,
    scope: Scope,
    occurred_at: datetime.datetime,
    place: str,
    description: str,
    witnesses: str,
    student_ids: Sequence[int],
) -> Incident:
    """Report an incident with the students involved (current students of the establishment)."""
    assert scope.establishment_id is not None
    ids = sorted(set(student_ids))
    if not ids:
        raise ApplicationError(_("Name at least one student involved."))
    allowed = set(selectors.incident_students(scope).filter(pk__in=ids).values_list("pk", flat=True))
    if allowed != set(ids):
        raise ApplicationError(_("Some of the students chosen are not students of the establishment."))
    incident = Incident.objects.create(
        establishment_id=scope.establishment_id,
        occurred_at=occurred_at,
        place=place,
        description=description,
        witnesses=witnesses,
        reported_by_id=scope.user_id,
    )
    IncidentStudent.objects.bulk_create(
        [IncidentStudent(establishment_id=scope.establishment_id, incident=incident, student_id=pk) for pk in ids]
    )
    audit_record(scope=scope, action="attendance.incident_report", target=incident, students=ids)
    return incident


@transaction.atomic
def incident_follow_up(
    *, scope: Scope, incident: Incident, version: int | None, status: str, follow_up: str
) -> Incident:
    """Record the follow-up of an incident (refused when someone saved it meanwhile)."""
    claim_version(incident, version)
    incident.status = status
    incident.follow_up = follow_up
    incident.save(update_fields=["status", "follow_up"])
    audit_record(scope=scope, action="attendance.incident_follow_up", target=incident, status=status)
    return incident


def sanction_params(params: dict[str, Any]) -> dict[str, Any]:
    """Word a sanction's stored params in the reader's language."""
    kinds = dict(Sanction.Kind.choices)
    return {**params, "kind": str(kinds.get(params["kind"], params["kind"])), "date": local_date(params["date"])}


@transaction.atomic
def sanction_give(
    *,
    scope: Scope,
    student: User,
    kind: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime | None,
    supervisor: User | None,
    reason: str,
    incident: Incident | None = None,
) -> Sanction:
    """Give a punishment or a sanction; the student's guardians (and the student) are told in one bulk notify."""
    assert scope.establishment_id is not None
    if ends_at is not None and ends_at <= starts_at:
        raise ApplicationError(_("The end must come after the start."))
    if kind in (Sanction.Kind.TEMPORARY_EXCLUSION, Sanction.Kind.TEMPORARY_EXCLUSION_CLASS) and ends_at is None:
        raise ApplicationError(_("Give the end of a temporary exclusion."))
    if kind == Sanction.Kind.DETENTION and supervisor is None:
        raise ApplicationError(_("Choose who supervises the detention."))
    sanction = Sanction.objects.create(
        establishment_id=scope.establishment_id,
        incident=incident,
        student=student,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        supervisor=supervisor if kind == Sanction.Kind.DETENTION else None,
        reason=reason,
        given_by_id=scope.user_id,
    )
    audit_record(scope=scope, action="attendance.sanction_give", target=sanction, student_id=student.pk, kind=kind)
    guardians = guardian_ids_by_student(scope.establishment_id, [student.pk])
    moment = timezone.localtime(starts_at)
    params = {
        "student": student.get_full_name(),
        "kind": kind,
        "date": moment.date().isoformat(),
    }
    notify_many(
        "attendance.sanction",
        [Batch([student.pk, *guardians.get(student.pk, [])], params, reverse("attendance:home"))],
        establishment_id=scope.establishment_id,
        actor_id=scope.user_id,
    )
    return sanction
