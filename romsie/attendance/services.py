"""Writes of school life: roll calls, absences and lateness, justifications, incidents and sanctions.

Every write is keyword-only, takes the actor's ``scope``, runs in a transaction, audits the
sensitive ones and tells families after the commit, in bulk (``notify_families``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core.access.scope import Scope
from romsie.core.concurrency import StaleEdit, claim_version
from romsie.core.errors import ApplicationError
from romsie.core.services import audit_record
from romsie.identity.models import Guardianship
from romsie.notifications.kinds import local_date, local_time
from romsie.notifications.services import Batch, notify_many
from romsie.timetable.models import Session

from . import access
from .models import MAX_LATE_MINUTES, Absence, AttendanceMark, Justification, JustificationStatus, Lateness, RollCall

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


@dataclass(frozen=True)
class Mark:
    """What the roll call says of one student who was not simply present."""

    status: str
    minutes_late: int | None = None


@dataclass
class RollCallResult:
    """A saved roll call and what the save did to absences and lateness."""

    roll_call: RollCall
    created: bool
    notified: int = 0
    # Absences or lateness the save would have removed but kept: a family or school life justified them.
    kept_justified: list[int] = field(default_factory=list)


def session_bounds(session: Session) -> tuple[datetime.datetime, datetime.datetime]:
    """The session's start and end as aware datetimes of the establishment's time zone."""
    zone = timezone.get_current_timezone()
    starts = timezone.make_aware(datetime.datetime.combine(session.date, session.starts_at), zone)
    ends = timezone.make_aware(datetime.datetime.combine(session.date, session.ends_at), zone)
    return starts, ends


def session_label(session: Session) -> str:
    """The subject and the time of a session, as an alert says it ("Mathématiques, 08:00–08:55")."""
    return _("%(subject)s, %(start)s–%(end)s") % {
        "subject": session.teaching.subject.name,
        "start": session.starts_at.strftime("%H:%M"),
        "end": session.ends_at.strftime("%H:%M"),
    }


def _check_marks(marks: Mapping[int, Mark], expected: set[int]) -> None:
    """Refuse a mark for a student not expected, an unknown status or minutes out of range."""
    if set(marks) - expected:
        raise ApplicationError(
            _("A mark is for a student who is not expected at this session: nothing was saved."),
            extra={"reason": "student"},
        )
    for mark in marks.values():
        if mark.status not in AttendanceMark.Status.values:
            raise ApplicationError(_("Unknown attendance status: nothing was saved."), extra={"reason": "status"})
        late = mark.status == AttendanceMark.Status.LATE
        if late and (mark.minutes_late is None or not 1 <= mark.minutes_late <= MAX_LATE_MINUTES):
            raise ApplicationError(
                _("A lateness is between 1 and %(max)s minutes: nothing was saved.") % {"max": MAX_LATE_MINUTES},
                extra={"reason": "minutes"},
            )


def _known_absent_ids(session: Session, student_ids: set[int]) -> set[int]:
    """The students school life already knows are away during the session (an absence entered by the office)."""
    starts, ends = session_bounds(session)
    return set(
        Absence.objects.filter(
            establishment_id=session.establishment_id,
            student_id__in=student_ids,
            session__isnull=True,
            starts_at__lt=ends,
            ends_at__gt=starts,
        ).values_list("student_id", flat=True)
    )


@transaction.atomic
def roll_call_save(*, scope: Scope, session: Session, marks: Mapping[int, Mark], version: int | None) -> RollCallResult:
    """Call (or correct) the roll of a session: ``marks`` names the students not simply present.

    The first call creates the :class:`RollCall`; a later one is a correction: it must carry the
    version the form showed (``claim_version``), is audited, and sets ``updated_by``/``updated_at``.
    Two first calls at once cannot both win: the session's row is locked, and the second finds
    the first's roll call and is refused with it (``StaleEdit``), so it can compare and save again.

    Absences (one per absent student, ``session`` set) and lateness (``arrived_at`` = start +
    minutes) follow the marks. A student already away on an absence school life entered keeps
    that one: no second absence and no second alert. Marking present again a student whose
    session absence (or lateness) was not justified deletes it; one a family or school life
    justified, or is justifying, is kept and listed in ``kept_justified`` for school life to
    close, so a family's justification is never silently lost. New absences and lateness tell
    the families, in one bulk notify. A fixed number of queries whatever the class size.
    """
    Session.objects.select_for_update().filter(pk=session.pk).values_list("pk", flat=True).get()
    students = {
        row[0]: f"{row[1]} {row[2]}".strip()
        for row in access.session_students(session).values_list("pk", "first_name", "last_name")
    }
    _check_marks(marks, set(students))
    now = timezone.now()
    roll_call = RollCall.objects.filter(session=session).first()
    created = roll_call is None
    if roll_call is None:
        if version is not None:
            raise StaleEdit(None)
        roll_call = RollCall.objects.create(
            establishment_id=session.establishment_id, session=session, called_by_id=scope.user_id, called_at=now
        )
    else:
        if version is None:
            raise StaleEdit(roll_call)  # someone called this roll since the form was shown
        claim_version(roll_call, version)
        roll_call.updated_by_id = scope.user_id
        roll_call.updated_at = now
        roll_call.save(update_fields=["updated_by", "updated_at", "version"])
    previous = {m.student_id: m for m in AttendanceMark.objects.filter(session=session)}
    _save_marks(roll_call, session, marks, previous)
    known_absent = _known_absent_ids(session, {pk for pk, m in marks.items() if m.status == "absent"})
    new_absences, kept_absences = _follow_absences(scope, session, marks, known_absent)
    new_lateness, kept_lateness = _follow_lateness(scope, session, marks)
    result = RollCallResult(roll_call, created, kept_justified=kept_absences + kept_lateness)
    if not created:
        audit_record(
            scope=scope,
            action="attendance.roll_call_corrected",
            target=roll_call,
            session=session.pk,
            changes=_changes(previous, marks),
            kept_justified=len(result.kept_justified),
        )
    if new_absences or new_lateness:
        label = session_label(session)
        what = {item.pk: label for item in [*new_absences, *new_lateness]}
        result.notified = notify_families(
            establishment_id=session.establishment_id,
            absences=new_absences,
            lateness=new_lateness,
            actor_id=scope.user_id,
            names=students,
            what=what,
        )
    return result


def _changes(previous: dict[int, AttendanceMark], marks: Mapping[int, Mark]) -> str:
    """What a correction changed, student by student ("12:absent->present, 15:present->late(10)")."""

    def said(mark: AttendanceMark | Mark | None) -> str:
        if mark is None:
            return "present"
        minutes = mark.minutes_late if mark.status == AttendanceMark.Status.LATE else None
        return f"{mark.status}({minutes})" if minutes else mark.status

    changes = []
    for pk in sorted(set(previous) | set(marks)):
        before, after = said(previous.get(pk)), said(marks.get(pk))
        if before != after:
            changes.append(f"{pk}:{before}->{after}")
    return ", ".join(changes)


def _save_marks(
    roll_call: RollCall, session: Session, marks: Mapping[int, Mark], previous: dict[int, AttendanceMark]
) -> None:
    """Bring the session's marks in step with ``marks``: a delete, an update and an insert at most."""
    gone = [pk for pk in previous if pk not in marks]
    if gone:
        AttendanceMark.objects.filter(session=session, student_id__in=gone).delete()
    changed = []
    for pk, mark in marks.items():
        minutes = mark.minutes_late if mark.status == AttendanceMark.Status.LATE else None
        old = previous.get(pk)
        if old is not None and (old.status, old.minutes_late) != (mark.status, minutes):
            old.status, old.minutes_late = mark.status, minutes
            changed.append(old)
    if changed:
        AttendanceMark.objects.bulk_update(changed, ["status", "minutes_late"])
    AttendanceMark.objects.bulk_create(
        [
            AttendanceMark(
                establishment_id=session.establishment_id,
                roll_call=roll_call,
                session=session,
                student_id=pk,
                status=mark.status,
                minutes_late=mark.minutes_late if mark.status == AttendanceMark.Status.LATE else None,
            )
            for pk, mark in marks.items()
            if pk not in previous
        ]
    )


def _removable(rows: Sequence[Absence] | Sequence[Lateness], model: str) -> tuple[list[int], list[int]]:
    """Split rows the marks no longer want: deletable (unjustified, no justification given) and kept."""
    if not rows:
        return [], []
    given = set(
        Justification.objects.filter(**{f"{model}_id__in": [r.pk for r in rows]}).values_list(f"{model}_id", flat=True)
    )
    deletable = [r.pk for r in rows if r.status == JustificationStatus.UNJUSTIFIED and r.pk not in given]
    return deletable, [r.pk for r in rows if r.pk not in deletable]


def _follow_absences(
    scope: Scope, session: Session, marks: Mapping[int, Mark], known_absent: set[int]
) -> tuple[list[Absence], list[int]]:
    """Create the session's absences of the students marked absent; drop the ones no longer marked."""
    absent = {pk for pk, m in marks.items() if m.status == AttendanceMark.Status.ABSENT and pk not in known_absent}
    existing = {a.student_id: a for a in Absence.objects.filter(session=session)}
    deletable, kept = _removable([a for pk, a in existing.items() if pk not in absent], "absence")
    if deletable:
        Absence.objects.filter(pk__in=deletable).delete()
    starts, ends = session_bounds(session)
    created = Absence.objects.bulk_create(
        [
            Absence(
                establishment_id=session.establishment_id,
                student_id=pk,
                starts_at=starts,
                ends_at=ends,
                session=session,
                created_by_id=scope.user_id,
            )
            for pk in sorted(absent - set(existing))
        ]
    )
    return created, kept


def _follow_lateness(scope: Scope, session: Session, marks: Mapping[int, Mark]) -> tuple[list[Lateness], list[int]]:
    """Create or correct the session's lateness of the students marked late; drop the ones no longer late."""
    late = {pk: m.minutes_late or 1 for pk, m in marks.items() if m.status == AttendanceMark.Status.LATE}
    existing = {row.student_id: row for row in Lateness.objects.filter(session=session)}
    deletable, kept = _removable([row for pk, row in existing.items() if pk not in late], "lateness")
    if deletable:
        Lateness.objects.filter(pk__in=deletable).delete()
    starts, _ends = session_bounds(session)
    changed = []
    for pk, minutes in late.items():
        row = existing.get(pk)
        if row is not None and row.minutes != minutes:
            row.minutes, row.arrived_at = minutes, starts + datetime.timedelta(minutes=minutes)
            changed.append(row)
    if changed:
        Lateness.objects.bulk_update(changed, ["minutes", "arrived_at"])
    created = Lateness.objects.bulk_create(
        [
            Lateness(
                establishment_id=session.establishment_id,
                student_id=pk,
                session=session,
                arrived_at=starts + datetime.timedelta(minutes=minutes),
                minutes=minutes,
                created_by_id=scope.user_id,
            )
            for pk, minutes in sorted(late.items())
            if pk not in existing
        ]
    )
    return created, kept


@transaction.atomic
def roll_call_remind(*, scope: Scope, sessions: Sequence[Session]) -> int:
    """Remind each teacher of ``sessions`` (not called yet) to call the roll: one notification each, in bulk."""
    if not sessions:
        return 0
    by_teacher: dict[int, list[Session]] = {}
    for session in sessions:
        by_teacher.setdefault(session.teacher_id, []).append(session)
    batches = []
    for teacher_id, theirs in sorted(by_teacher.items()):
        first = theirs[0]
        url = (
            reverse("attendance:roll-call", args=[first.pk])
            if len(theirs) == 1
            else f"{reverse('attendance:roll-call-list')}?date={first.date.isoformat()}"
        )
        params = {
            "date": first.date.isoformat(),
            "count": len(theirs),
            "sessions": ", ".join(f"{s.starts_at:%H:%M} {s.teaching.subject.name}" for s in theirs),
        }
        batches.append(Batch([teacher_id], params, url))
    sent = notify_many(
        "attendance.roll_call_reminder", batches, establishment_id=scope.establishment_id, actor_id=scope.user_id
    )
    audit_record(scope=scope, action="attendance.roll_call_reminder", target=sessions[0].date, teachers=len(batches))
    return sent


def reminder_params(params: dict[str, Any]) -> dict[str, Any]:
    """Word a roll-call reminder's stored params in the reader's language."""
    return {**params, "date": local_date(params["date"])}


# -- School-life office ------------------------------------------------------------------------


# -- Justifications ------------------------------------------------------------------------------


# -- Incidents and sanctions ---------------------------------------------------------------------
