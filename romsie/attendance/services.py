"""Writes of school life: roll calls, absences and lateness, justifications, incidents and sanctions.

Every write is keyword-only, takes the actor's ``scope``, runs in a transaction, audits the
sensitive ones and tells families after the commit, in bulk (``notify_families``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.core.concurrency import StaleEdit, claim_version
from romsie.core.errors import ApplicationError
from romsie.core.forms import display_value
from romsie.core.services import audit_record
from romsie.core.uploads import atomic_with_files, check_upload, store_upload
from romsie.identity.models import Guardianship, User
from romsie.notifications.kinds import local_date, local_time
from romsie.notifications.services import Batch, notify_many
from romsie.schooling.access import current_class_ids, current_group_ids
from romsie.schooling.models import Subject
from romsie.timetable.models import Session

from . import access, early_warning, selectors, tasks
from .models import (
    MAX_LATE_MINUTES,
    Absence,
    AbsenceReason,
    AttendanceMark,
    Exemption,
    Incident,
    IncidentStudent,
    Justification,
    JustificationStatus,
    Lateness,
    RollCall,
    Sanction,
    Threshold,
    ThresholdAlert,
)

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
    """Word an absence alert's stored params in the reader's language.

    ``when`` reads "on 5 December at 08:30", or for whole days entered by school life
    "on 5 December (all day)" / "from 5 December to 7 December".
    """
    date = local_date(params["date"])
    last = params.get("last_day")
    if last and last != params["date"]:
        when = _("from %(start)s to %(end)s") % {"start": date, "end": local_date(last)}
    elif last:
        when = _("on %(date)s (all day)") % {"date": date}
    else:
        when = _("on %(date)s at %(time)s") % {"date": date, "time": local_time(params["time"])}
    return {**params, "date": date, "time": local_time(params["time"]), "when": when}


def _last_whole_day(item: Absence | Lateness) -> str:
    """The last day of an absence made of whole days (midnight to midnight, no session), else ""."""
    if not isinstance(item, Absence) or item.session_id is not None:
        return ""
    start, end = timezone.localtime(item.starts_at), timezone.localtime(item.ends_at)
    if start.time() != datetime.time(0) or end.time() != datetime.time(0):
        return ""
    return (end.date() - datetime.timedelta(days=1)).isoformat()


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
    thresholds_recheck(establishment_id, absences)
    record_changed(students)
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
                "last_day": _last_whole_day(item),
            }
            url = reverse("attendance:home")
            batches.append(Batch([item.student_id, *guardians.get(item.student_id, [])], params, url))
        if batches:
            sent += notify_many(kind, batches, establishment_id=establishment_id, actor_id=actor_id)
    return sent


def thresholds_recheck(establishment_id: int, absences: Sequence[Absence]) -> None:
    """Check the early-warning thresholds of these absences' students, per month, once the transaction commits."""
    by_month: dict[datetime.date, set[int]] = {}
    for absence in absences:
        if absence.kind == Absence.Kind.ABSENCE:
            month = timezone.localtime(absence.starts_at).date().replace(day=1)
            by_month.setdefault(month, set()).add(absence.student_id)
    for month, student_ids in sorted(by_month.items()):
        tasks.enqueue_thresholds_check(establishment_id=establishment_id, student_ids=student_ids, month=month)


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
    roll_calls_changed(session.teacher_id)
    if not created:
        audit_record(
            scope=scope,
            action="attendance.roll_call_corrected",
            target=roll_call,
            session=session.pk,
            changes=_changes(previous, marks),
            kept_justified=len(result.kept_justified),
        )
        # A correction may change minutes in bulk (no signal): the students' cached records follow.
        record_changed({*previous, *marks})
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


def _check_span(starts_at: datetime.datetime, ends_at: datetime.datetime) -> None:
    if ends_at <= starts_at:
        raise ApplicationError(_("The end must come after the start."), extra={"code": "span"})


def _overlapping(
    establishment_id: int, student_ids: Sequence[int], starts_at: datetime.datetime, ends_at: datetime.datetime
) -> QuerySet[Absence]:
    return Absence.objects.filter(
        establishment_id=establishment_id, student_id__in=student_ids, starts_at__lt=ends_at, ends_at__gt=starts_at
    )


def _overlap_error(found: Sequence[Absence], names: dict[int, str]) -> ApplicationError:
    first = found[0]
    return ApplicationError(
        _(
            "%(student)s is already recorded away from %(start)s to %(end)s: change that absence instead "
            "(%(count)d overlapping in all)."
        )
        % {
            "student": names.get(first.student_id, ""),
            "start": display_value(first.starts_at),
            "end": display_value(first.ends_at),
            "count": len(found),
        },
        extra={"code": "overlap", "absence_ids": [a.pk for a in found]},
    )


def _lock_students(student_ids: Sequence[int]) -> None:
    """Lock the students' rows until the commit: two people entering overlapping absences wait in turn."""
    list(User.objects.select_for_update().filter(pk__in=student_ids).order_by("pk").values_list("pk", flat=True))


def _status_for(reason: AbsenceReason | None) -> str:
    return JustificationStatus.JUSTIFIED if reason is not None and reason.justifies else JustificationStatus.UNJUSTIFIED


def _check_reason(scope: Scope, reason: AbsenceReason | None) -> None:
    if reason is not None and reason.establishment_id != scope.establishment_id:
        raise ApplicationError(_("This reason is not one of the establishment's."), extra={"code": "reason"})


def _check_student(scope: Scope, student: User) -> None:
    if not access.office_students(scope).filter(pk=student.pk).exists():
        raise ApplicationError(_("This student is not a current student of the establishment."))


@transaction.atomic
def absence_create(
    *,
    scope: Scope,
    student: User,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    reason: AbsenceReason | None = None,
    note: str = "",
) -> Absence:
    """Record an absence school life was told of (a phone call): one student, a span; tells the family.

    An absence overlapping another one of the student (or an outing) is refused: the existing
    one is to be changed instead (no silent merge).
    """
    assert scope.establishment_id is not None
    _check_span(starts_at, ends_at)
    _check_student(scope, student)
    _check_reason(scope, reason)
    names = {student.pk: student.get_full_name()}
    _lock_students([student.pk])
    found = list(_overlapping(scope.establishment_id, [student.pk], starts_at, ends_at)[:5])
    if found:
        raise _overlap_error(found, names)
    absence = Absence.objects.create(
        establishment_id=scope.establishment_id,
        student=student,
        kind=Absence.Kind.ABSENCE,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        status=_status_for(reason),
        note=note,
        created_by_id=scope.user_id,
    )
    audit_record(scope=scope, action="attendance.absence_create", target=absence, student=student.pk)
    notify_families(establishment_id=scope.establishment_id, absences=[absence], actor_id=scope.user_id, names=names)
    return absence


@transaction.atomic
def outing_create(
    *,
    scope: Scope,
    student_ids: Sequence[int],
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    note: str = "",
) -> list[Absence]:
    """Record a school trip: the students are out of school, not absent (one bulk insert).

    No family alert: the families were told of the trip beforehand, and an outing is no
    absence to justify. A student already recorded away during the span is refused, named.
    """
    assert scope.establishment_id is not None
    _check_span(starts_at, ends_at)
    students = {s.pk: s for s in access.office_students(scope).filter(pk__in=student_ids)}
    if not students or len(students) != len(set(student_ids)):
        raise ApplicationError(_("Choose current students of the establishment."), extra={"code": "students"})
    _lock_students(list(students))
    found = list(_overlapping(scope.establishment_id, list(students), starts_at, ends_at))
    if found:
        raise _overlap_error(found, {pk: s.get_full_name() for pk, s in students.items()})
    outings = Absence.objects.bulk_create(
        [
            Absence(
                establishment_id=scope.establishment_id,
                student_id=pk,
                kind=Absence.Kind.OUT_OF_SCHOOL,
                starts_at=starts_at,
                ends_at=ends_at,
                status=JustificationStatus.JUSTIFIED,
                note=note,
                created_by_id=scope.user_id,
            )
            for pk in sorted(students)
        ]
    )
    audit_record(scope=scope, action="attendance.outing_create", target=note[:100], students=len(outings))
    return outings


def certificate_check(upload: UploadedFile) -> str:
    """The content type of an exemption certificate: an image or a PDF, or ``ApplicationError``."""
    try:
        content_type = check_upload(upload)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), extra={"code": "file"}) from error
    if content_type != "application/pdf" and not content_type.startswith("image/"):
        raise ApplicationError(
            _("%(name)s: a certificate is an image (a photo) or a PDF.") % {"name": upload.name or ""},
            extra={"code": "file"},
        )
    return content_type


@atomic_with_files()
def exemption_create(
    *,
    scope: Scope,
    student: User,
    subject: Subject | None,
    starts_on: datetime.date,
    ends_on: datetime.date,
    must_attend: bool = False,
    note: str = "",
    certificate: UploadedFile | None = None,
) -> Exemption:
    """Record an exemption (from a subject, or from everything), with its certificate if given."""
    assert scope.establishment_id is not None
    if ends_on < starts_on:
        raise ApplicationError(_("The end must come after the start."), extra={"code": "span"})
    _check_student(scope, student)
    if subject is not None and subject.establishment_id != scope.establishment_id:
        raise ApplicationError(_("This subject is not one of the establishment's."))
    exemption = Exemption(
        establishment_id=scope.establishment_id,
        student=student,
        subject=subject,
        starts_on=starts_on,
        ends_on=ends_on,
        must_attend=must_attend,
        note=note,
        created_by_id=scope.user_id,
    )
    if certificate is not None:
        exemption.content_type = certificate_check(certificate)
        exemption.name = (certificate.name or "certificate")[:255]
        exemption.size_bytes = certificate.size or 0
        store_upload(exemption, certificate)
    exemption.save()
    audit_record(scope=scope, action="attendance.exemption_create", target=exemption, student=student.pk)
    return exemption


def session_at(scope: Scope, student_id: int, moment: datetime.datetime) -> Session | None:
    """The session a student has at that moment (their classes' and groups'), if any."""
    local = timezone.localtime(moment)
    return (
        Session.objects.filter(
            establishment_id=scope.establishment_id,
            date=local.date(),
            starts_at__lte=local.time(),
            ends_at__gt=local.time(),
            status=Session.Status.PLANNED,
        )
        .filter(
            Q(teaching__school_class_id__in=current_class_ids(scope.establishment_id, student_id))
            | Q(teaching__teaching_group_id__in=current_group_ids(scope.establishment_id, student_id))
        )
        .select_related("teaching__subject")
        .order_by("starts_at", "pk")
        .first()
    )


def _check_minutes(minutes: int) -> None:
    if not 1 <= minutes <= MAX_LATE_MINUTES:
        raise ApplicationError(
            _("A lateness is between 1 and %(max)d minutes.") % {"max": MAX_LATE_MINUTES}, extra={"code": "minutes"}
        )


@transaction.atomic
def lateness_create(
    *,
    scope: Scope,
    student: User,
    arrived_at: datetime.datetime,
    minutes: int,
    reason: AbsenceReason | None = None,
    note: str = "",
) -> Lateness:
    """Record a late arrival at the gate, linked to the session running then; tells the family."""
    assert scope.establishment_id is not None
    _check_minutes(minutes)
    _check_student(scope, student)
    _check_reason(scope, reason)
    session = session_at(scope, student.pk, arrived_at)
    if session is not None and Lateness.objects.filter(session=session, student=student).exists():
        raise ApplicationError(
            _("%(student)s is already recorded late at this session: change that lateness instead.")
            % {"student": student.get_full_name()},
            extra={"code": "duplicate"},
        )
    lateness = Lateness.objects.create(
        establishment_id=scope.establishment_id,
        student=student,
        session=session,
        arrived_at=arrived_at,
        minutes=minutes,
        reason=reason,
        status=_status_for(reason),
        note=note,
        created_by_id=scope.user_id,
    )
    audit_record(scope=scope, action="attendance.lateness_create", target=lateness, student=student.pk)
    what = {lateness.pk: session.teaching.subject.name} if session is not None else {}
    notify_families(
        establishment_id=scope.establishment_id,
        lateness=[lateness],
        actor_id=scope.user_id,
        names={student.pk: student.get_full_name()},
        what=what,
    )
    return lateness


@transaction.atomic
def absence_update(
    *,
    scope: Scope,
    absence: Absence,
    version: int | None,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    reason: AbsenceReason | None,
    status: str,
    note: str,
) -> Absence:
    """Change an absence's span, reason, note or justification status (a stale form is refused); audited."""
    assert scope.establishment_id is not None
    _check_span(starts_at, ends_at)
    _check_reason(scope, reason)
    claim_version(absence, version)
    _lock_students([absence.student_id])
    found = list(
        _overlapping(scope.establishment_id, [absence.student_id], starts_at, ends_at).exclude(pk=absence.pk)[:5]
    )
    if found:
        raise _overlap_error(found, {absence.student_id: absence.student.get_full_name()})
    before = (absence.starts_at, absence.ends_at, absence.reason_id, absence.status)
    absence.starts_at, absence.ends_at, absence.reason, absence.status, absence.note = (
        starts_at,
        ends_at,
        reason,
        status,
        note,
    )
    absence.save(update_fields=["starts_at", "ends_at", "reason", "status", "note", "version"])
    audit_record(
        scope=scope,
        action="attendance.absence_update",
        target=absence,
        before=before,
        after=(starts_at, ends_at, reason.pk if reason else None, status),
    )
    thresholds_recheck(absence.establishment_id, [absence])
    return absence


@transaction.atomic
def absence_close(*, scope: Scope, absence: Absence, version: int | None) -> Absence:
    """Close an absence: it is dealt with and leaves the office's list of open ones; audited."""
    claim_version(absence, version)
    absence.is_closed = True
    absence.save(update_fields=["is_closed", "version"])
    audit_record(scope=scope, action="attendance.absence_close", target=absence)
    return absence


@transaction.atomic
def lateness_update(
    *,
    scope: Scope,
    lateness: Lateness,
    version: int | None,
    minutes: int,
    reason: AbsenceReason | None,
    status: str,
    note: str,
) -> Lateness:
    """Change a lateness's minutes, reason, note or status (a stale form is refused); audited."""
    _check_minutes(minutes)
    _check_reason(scope, reason)
    claim_version(lateness, version)
    before = (lateness.minutes, lateness.reason_id, lateness.status)
    lateness.minutes, lateness.reason, lateness.status, lateness.note = minutes, reason, status, note
    lateness.save(update_fields=["minutes", "reason", "status", "note", "version"])
    audit_record(
        scope=scope,
        action="attendance.lateness_update",
        target=lateness,
        before=before,
        after=(minutes, reason.pk if reason else None, status),
    )
    return lateness


@transaction.atomic
def reason_save(
    *,
    scope: Scope,
    reason: AbsenceReason | None,
    label: str,
    justifies: bool,
    offered_to_families: bool,
    is_active: bool,
    order: int,
) -> AbsenceReason:
    """Create or change an absence reason of the establishment (labels are unique); audited."""
    assert scope.establishment_id is not None
    label = label.strip()
    taken = AbsenceReason.objects.filter(establishment_id=scope.establishment_id, label__iexact=label)
    if reason is not None:
        taken = taken.exclude(pk=reason.pk)
    if not label or taken.exists():
        raise ApplicationError(_("The establishment already has a reason named %(label)s.") % {"label": label})
    reason = reason or AbsenceReason(establishment_id=scope.establishment_id)
    reason.label, reason.justifies, reason.offered_to_families = label, justifies, offered_to_families
    reason.is_active, reason.order = is_active, order
    reason.save()
    audit_record(scope=scope, action="attendance.reason_save", target=reason, justifies=justifies)
    return reason


# -- Justifications ------------------------------------------------------------------------------

# The documents a family may send: a photo of a certificate or a PDF (a subset of ``core.uploads.ALLOWED``).
DOCUMENT_EXTENSIONS = ("jpeg", "jpg", "pdf", "png", "webp")


def record_changed(student_ids: Iterable[int]) -> None:
    """Students' school-life records changed: their cached widgets recompute once the transaction commits."""
    ids = sorted(set(student_ids))

    def bump() -> None:
        for pk in ids:
            versions.bump(versions.Kind.ATTENDANCE_RECORD, pk)

    transaction.on_commit(bump)


def roll_calls_changed(teacher_id: int | None) -> None:
    """A roll call of the teacher's session was made or corrected: their cached day list follows once committed."""
    if teacher_id is not None:
        transaction.on_commit(lambda: versions.bump(versions.Kind.ROLL_CALLS, teacher_id))


def justifications_changed(establishment_id: int) -> None:
    """A justification was given or reviewed: school life's cached count recomputes once committed."""
    transaction.on_commit(lambda: versions.bump(versions.Kind.ATTENDANCE_JUSTIFICATIONS, establishment_id))


def _check_document(upload: UploadedFile) -> str:
    """The content type of a justification's document, or a refusal the family can act on."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in DOCUMENT_EXTENSIONS:
        raise ApplicationError(
            _("%(name)s: send a photo (JPEG, PNG, WebP) or a PDF document.") % {"name": name},
            extra={"field": "document"},
        )
    try:
        return check_upload(upload)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), extra={"field": "document"}) from error


@atomic_with_files()
def justification_submit(
    *,
    scope: Scope,
    reason: AbsenceReason,
    comment: str = "",
    upload: UploadedFile | None = None,
    absence: Absence | None = None,
    lateness: Lateness | None = None,
) -> Justification:
    """A family justifies an absence or a lateness (``access.get_justifiable_*`` gave it): to review.

    The absence (or lateness) waits for school life's review (status ``PENDING``). Refused when a
    justification is already waiting, when it was justified meanwhile, or when the reason is not
    one of the establishment's reasons offered to families; a document that is not a photo or a
    PDF, or that the server cannot store, saves nothing.
    """
    target: Absence | Lateness
    if absence is not None:
        target = Absence.objects.select_for_update().get(pk=absence.pk)
    elif lateness is not None:
        target = Lateness.objects.select_for_update().get(pk=lateness.pk)
    else:
        raise ApplicationError(_("Choose the absence or lateness to justify."))
    if target.status == JustificationStatus.PENDING:
        raise ApplicationError(_("A justification is already waiting for school life's review."))
    if target.status == JustificationStatus.JUSTIFIED:
        raise ApplicationError(_("This is already justified."))
    if reason.establishment_id != target.establishment_id or not reason.offered_to_families or not reason.is_active:
        raise ApplicationError(_("Choose a reason from the list."), extra={"field": "reason"})
    justification = Justification(
        establishment_id=target.establishment_id,
        absence=target if isinstance(target, Absence) else None,
        lateness=target if isinstance(target, Lateness) else None,
        reason=reason,
        comment=comment.strip()[:500],
        submitted_by_id=scope.user_id,
        size_bytes=0,
    )
    if upload is not None:
        justification.content_type = _check_document(upload)
        store_upload(justification, upload)
        justification.name = (upload.name or "document")[-150:]
        justification.size_bytes = upload.size or 0
    justification.save()
    target.status = JustificationStatus.PENDING
    target.save(update_fields=["status"])
    audit_record(
        scope=scope,
        action="attendance.justification_submit",
        target=justification,
        student=target.student_id,
        document=justification.name,
    )
    record_changed([target.student_id])
    justifications_changed(target.establishment_id)
    return justification


def reviewed_params(params: dict[str, Any]) -> dict[str, Any]:
    """Word a reviewed justification's stored params in the reader's language."""
    what = _("lateness") if params.get("what") == "lateness" else _("absence")
    decision = _("accepted") if params.get("accepted") else _("refused")
    return {**params, "date": local_date(params["date"]), "what": what, "decision": decision}


@transaction.atomic
def justification_review(
    *,
    scope: Scope,
    justification: Justification,
    accept: bool,
    comment: str = "",
    reason: AbsenceReason | None = None,
) -> Justification:
    """School life accepts or refuses a justification (``access.get_reviewable_justification`` gave it).

    Accepting gives the absence (or lateness) the reason (the family's, or ``reason`` chosen by
    the reviewer): justified when the reason counts as justified. Refusing needs a comment for
    the family and marks it refused. Audited; the student and their guardians are told.
    """
    locked = Justification.objects.select_for_update().get(pk=justification.pk)
    if locked.status != Justification.Status.PENDING:
        raise ApplicationError(_("Someone already reviewed this justification."))
    comment = comment.strip()[:500]
    if not accept and not comment:
        raise ApplicationError(
            _("Say why the justification is refused: the family reads it."), extra={"field": "comment"}
        )
    reason = reason or locked.reason
    if reason.establishment_id != locked.establishment_id or not reason.is_active:
        raise ApplicationError(_("Choose a reason from the list."), extra={"field": "reason"})
    target: Absence | Lateness
    if locked.absence_id is not None:
        target = Absence.objects.select_for_update().get(pk=locked.absence_id)
    else:
        target = Lateness.objects.select_for_update().get(pk=locked.lateness_id)
    now = timezone.now()
    locked.status = Justification.Status.ACCEPTED if accept else Justification.Status.REFUSED
    locked.reviewed_by_id = scope.user_id
    locked.reviewed_at = now
    locked.review_comment = comment
    if accept:
        locked.reason = reason
        target.reason = reason
        target.status = JustificationStatus.JUSTIFIED if reason.justifies else JustificationStatus.UNJUSTIFIED
    else:
        target.status = JustificationStatus.REFUSED
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "reason"])
    target.save(update_fields=["status", "reason"])
    if isinstance(target, Absence) and target.status != JustificationStatus.JUSTIFIED:
        thresholds_recheck(target.establishment_id, [target])
    audit_record(
        scope=scope,
        action="attendance.justification_accept" if accept else "attendance.justification_refuse",
        target=locked,
        student=target.student_id,
        reason=reason.label,
        comment=comment,
    )
    moment = timezone.localtime(target.starts_at if isinstance(target, Absence) else target.arrived_at)
    student = User.objects.filter(pk=target.student_id).values_list("first_name", "last_name").first()
    params = {
        "student": " ".join(student) if student else "",
        "date": moment.date().isoformat(),
        "what": "absence" if isinstance(target, Absence) else "lateness",
        "accepted": accept,
        "comment": comment,
    }
    guardians = guardian_ids_by_student(target.establishment_id, [target.student_id])
    recipients = [target.student_id, *guardians.get(target.student_id, [])]
    if locked.submitted_by_id is not None:
        recipients.append(locked.submitted_by_id)
    notify_many(
        "attendance.justification_reviewed",
        [Batch(recipients, params, reverse("attendance:record"))],
        establishment_id=target.establishment_id,
        actor_id=scope.user_id,
    )
    record_changed([target.student_id])
    justifications_changed(target.establishment_id)
    justification.status = locked.status
    return locked


# -- A student's record, early warning -----------------------------------------------------------


def record_read(*, scope: Scope, student: User) -> bool:
    """Write a read of a student's record by staff outside their classes to the audit log; say if it was."""
    if not access.read_needs_audit(scope, student.pk):
        return False
    audit_record(scope=scope, action="attendance.record_read", target=student, student_id=student.pk)
    return True


@transaction.atomic
def threshold_create(*, scope: Scope, half_days: int) -> Threshold:
    """Add an alert threshold to the establishment (one per number of half-days)."""
    assert scope.establishment_id is not None
    early_warning.thresholds_in_use(scope.establishment_id)
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
