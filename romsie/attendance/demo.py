"""Demo content of school life, written over the timetable's demo sessions of the past month.

For each establishment: the roll of most past sessions called (a few of the last days left
uncalled), a few students absent or late at each called session, about half of the absences
justified (some by a family online, waiting for school life), a school trip for one class,
a sport exemption, one student over the early-warning threshold this month, two incidents
and a detention. Call it after the timetable's demo data exists; it is deterministic for a
given seed.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from romsie.identity.models import Guardianship, RoleAssignment, StaffFunction, User
from romsie.schooling.models import Enrollment, GroupMembership, SchoolClass, Subject
from romsie.timetable.models import Session

from . import early_warning, reasons, services
from .models import (
    Absence,
    AttendanceMark,
    Exemption,
    Incident,
    IncidentStudent,
    Justification,
    JustificationStatus,
    Lateness,
    RollCall,
    Sanction,
)

DAYS = 30
PLACES = ["Cour de récréation", "Couloir du 1er étage", "Cantine", "Salle B12", "Gymnase"]
INCIDENTS = [
    "Bousculade à la sortie de la cantine ; un élève est tombé sans gravité.",
    "Propos insultants envers un camarade pendant la récréation.",
    "Dégradation d'une table (inscriptions au feutre).",
]


def _aware(date: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, time))


def _students_by_teaching(sessions: list[Session]) -> dict[int, list[int]]:
    """The students of each teaching of the sessions (two queries)."""
    class_ids = {s.teaching.school_class_id for s in sessions if s.teaching.school_class_id}
    group_ids = {s.teaching.teaching_group_id for s in sessions if s.teaching.teaching_group_id}
    by_class: dict[int, list[int]] = {}
    for class_id, student_id in Enrollment.objects.filter(school_class_id__in=class_ids).values_list(
        "school_class_id", "student_id"
    ):
        by_class.setdefault(class_id, []).append(student_id)
    by_group: dict[int, list[int]] = {}
    for group_id, student_id in GroupMembership.objects.filter(teaching_group_id__in=group_ids).values_list(
        "teaching_group_id", "student_id"
    ):
        by_group.setdefault(group_id, []).append(student_id)
    found: dict[int, list[int]] = {}
    for s in sessions:
        t = s.teaching
        found[t.pk] = sorted(
            by_class.get(t.school_class_id, []) if t.school_class_id else by_group.get(t.teaching_group_id or 0, [])
        )
    return found


def populate(establishment_ids: Iterable[int], *, seed: int = 2026, today: datetime.date | None = None) -> int:
    """Write the demo school life of the establishments; return the number of rows created."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    rows = 0
    for establishment_id in establishment_ids:
        rows += _establishment(establishment_id, rng, today)
    return rows


def _establishment(establishment_id: int, rng: random.Random, today: datetime.date) -> int:
    sessions = list(
        Session.objects.filter(
            establishment_id=establishment_id,
            date__gte=today - datetime.timedelta(days=DAYS),
            date__lt=today,
            status=Session.Status.PLANNED,
        )
        .select_related("teaching")
        .order_by("date", "starts_at", "pk")
    )
    if not sessions:
        return 0
    in_use = [r for r in reasons.default_reasons_ensure(establishment_id) if r.is_active]
    justifying = [r for r in in_use if r.justifies and r.offered_to_families] or in_use
    office = list(
        RoleAssignment.objects.filter(
            establishment_id=establishment_id,
            is_active=True,
            function__in=[StaffFunction.SCHOOL_LIFE, StaffFunction.HEAD],
        )
        .order_by("function", "pk")
        .values_list("user_id", flat=True)
    )
    reviewer = office[-1] if office else None  # school life when there is one, else the head
    students = _students_by_teaching(sessions)
    guardians: dict[int, int] = dict(
        Guardianship.objects.filter(establishment_id=establishment_id, can_justify_absences=True)
        .order_by("-pk")
        .values_list("student_id", "guardian_id")
    )
    everyone = sorted({pk for ids in students.values() for pk in ids})
    if not everyone:
        return 0
    # One student misses the whole of the last three school days: over the threshold (4 half-days).
    truant = rng.choice(everyone)
    truant_days = sorted({s.date for s in sessions})[-3:]  # two of them at least in one month

    roll_calls: list[RollCall] = []
    marks: list[AttendanceMark] = []
    absences: list[Absence] = []
    lateness: list[Lateness] = []
    recent = today - datetime.timedelta(days=3)
    for session in sessions:
        if session.date >= recent and rng.random() < 0.25 and truant not in students.get(session.teaching_id, []):
            continue  # a few of the last days' sessions are not called yet
        start = _aware(session.date, session.starts_at)
        end = _aware(session.date, session.ends_at)
        call = RollCall(
            establishment_id=establishment_id,
            session=session,
            called_by_id=session.teacher_id,
            called_at=start + datetime.timedelta(minutes=rng.randint(2, 8)),
            version=1,
        )
        roll_calls.append(call)
        for student_id in students.get(session.teaching_id, []):
            roll = rng.random()
            if (student_id == truant and session.date in truant_days) or roll < 0.03:
                marks.append(
                    AttendanceMark(
                        establishment_id=establishment_id,
                        roll_call=call,
                        session=session,
                        student_id=student_id,
                        status=AttendanceMark.Status.ABSENT,
                    )
                )
                absences.append(
                    Absence(
                        establishment_id=establishment_id,
                        student_id=student_id,
                        starts_at=start,
                        ends_at=end,
                        session=session,
                        created_by_id=session.teacher_id,
                    )
                )
            elif roll < 0.045:
                minutes = rng.choice([5, 5, 10, 10, 15, 20])
                marks.append(
                    AttendanceMark(
                        establishment_id=establishment_id,
                        roll_call=call,
                        session=session,
                        student_id=student_id,
                        status=AttendanceMark.Status.LATE,
                        minutes_late=minutes,
                    )
                )
                lateness.append(
                    Lateness(
                        establishment_id=establishment_id,
                        student_id=student_id,
                        session=session,
                        arrived_at=start + datetime.timedelta(minutes=minutes),
                        minutes=minutes,
                        created_by_id=session.teacher_id,
                    )
                )
    RollCall.objects.bulk_create(roll_calls, batch_size=500)
    for mark in marks:
        mark.roll_call_id = mark.roll_call.pk
    AttendanceMark.objects.bulk_create(marks, batch_size=1000)

    # About half the absences are justified; some wait for school life's review.
    justifications: list[Justification] = []
    now = timezone.now()
    for absence in absences:
        if absence.student_id == truant:
            continue
        roll = rng.random()
        if roll < 0.45:
            absence.reason = rng.choice(justifying)
            absence.status = JustificationStatus.JUSTIFIED
        elif roll < 0.55 and absence.student_id in guardians:
            absence.status = JustificationStatus.PENDING
    Absence.objects.bulk_create(absences, batch_size=1000)
    Lateness.objects.bulk_create(lateness, batch_size=1000)
    for absence in absences:
        if absence.status == JustificationStatus.JUSTIFIED and absence.student_id in guardians and rng.random() < 0.5:
            justifications.append(
                _justification(
                    absence, absence.reason, guardians[absence.student_id], Justification.Status.ACCEPTED, reviewer, now
                )
            )
        elif absence.status == JustificationStatus.PENDING:
            justifications.append(
                _justification(
                    absence,
                    rng.choice(justifying),
                    guardians[absence.student_id],
                    Justification.Status.PENDING,
                    None,
                    now,
                )
            )
    Justification.objects.bulk_create(justifications, batch_size=1000)
    rows = len(roll_calls) + len(marks) + len(absences) + len(lateness) + len(justifications)
    rows += _trip_exemption_and_incidents(establishment_id, rng, today, everyone, reviewer, sessions)
    # The last two school days' alerts are in the families' timelines (on a Monday, Thursday's and
    # Friday's), and the truant's alert is raised.
    last_days = set(sorted({s.date for s in sessions})[-2:])
    fresh = [a for a in absences if timezone.localtime(a.starts_at).date() in last_days]
    fresh_late = [late for late in lateness if timezone.localtime(late.arrived_at).date() in last_days]
    concerned = {a.student_id for a in fresh} | {late.student_id for late in fresh_late}
    names = {u.pk: u.get_full_name() for u in User.objects.filter(pk__in=concerned)}
    services.notify_families(
        establishment_id=establishment_id, absences=fresh, lateness=fresh_late, actor_id=None, names=names
    )
    for month in sorted({day.replace(day=1) for day in truant_days}):
        early_warning.thresholds_check(establishment_id=establishment_id, student_ids=[truant], month=month)
    return rows


def _justification(
    absence: Absence, reason: Any, guardian_id: int, status: str, reviewer: int | None, now: datetime.datetime
) -> Justification:
    reviewed = status != Justification.Status.PENDING
    return Justification(
        establishment_id=absence.establishment_id,
        absence=absence,
        reason=reason,
        comment="Rendez-vous chez le médecin." if reason and "méd" in reason.label.lower() else "",
        name="",
        content_type="",
        size_bytes=0,
        submitted_by_id=guardian_id,
        status=status,
        reviewed_by_id=reviewer if reviewed else None,
        reviewed_at=now if reviewed else None,
    )


def _trip_exemption_and_incidents(
    establishment_id: int,
    rng: random.Random,
    today: datetime.date,
    everyone: list[int],
    reviewer: int | None,
    sessions: list[Session],
) -> int:
    rows = 0
    school_class = (
        SchoolClass.objects.filter(establishment_id=establishment_id, school_year__is_current=True)
        .order_by("pk")
        .first()
    )
    if school_class is not None:
        trip_day = today - datetime.timedelta(days=8)
        while trip_day.weekday() >= 5:
            trip_day -= datetime.timedelta(days=1)
        class_students = Enrollment.objects.filter(school_class=school_class).values_list("student_id", flat=True)
        trip = [
            Absence(
                establishment_id=establishment_id,
                student_id=pk,
                kind=Absence.Kind.OUT_OF_SCHOOL,
                starts_at=_aware(trip_day, datetime.time(8)),
                ends_at=_aware(trip_day, datetime.time(17)),
                note="Sortie pédagogique au musée",
                created_by_id=reviewer,
            )
            for pk in class_students
        ]
        Absence.objects.bulk_create(trip)
        rows += len(trip)
    sport = Subject.objects.filter(establishment_id=establishment_id, code__in=["EPS", "EDPHS"]).first()
    Exemption.objects.create(
        establishment_id=establishment_id,
        student_id=rng.choice(everyone),
        subject=sport,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=20),
        note="Entorse de la cheville (certificat médical)",
        name="",
        content_type="",
        size_bytes=0,
        created_by_id=reviewer,
    )
    rows += 1
    teachers = sorted({s.teacher_id for s in sessions})
    for n in range(2):
        reporter = rng.choice(teachers)
        occurred = _aware(today - datetime.timedelta(days=5 + 6 * n), datetime.time(10, 15 + 10 * n))
        incident = Incident.objects.create(
            establishment_id=establishment_id,
            occurred_at=occurred,
            place=rng.choice(PLACES),
            description=INCIDENTS[n],
            witnesses="Surveillant de la cour",
            reported_by_id=reporter,
            status=Incident.Status.CLOSED if n else Incident.Status.OPEN,
            version=1,
        )
        involved = rng.sample(everyone, k=min(2, len(everyone)))
        IncidentStudent.objects.bulk_create(
            IncidentStudent(establishment_id=establishment_id, incident=incident, student_id=pk) for pk in involved
        )
        rows += 1 + len(involved)
        if n == 0:
            detention = _aware(today + datetime.timedelta(days=(2 - today.weekday()) % 7 or 7), datetime.time(14))
            Sanction.objects.create(
                establishment_id=establishment_id,
                incident=incident,
                student_id=involved[0],
                kind=Sanction.Kind.DETENTION,
                starts_at=detention,
                ends_at=detention + datetime.timedelta(hours=2),
                supervisor_id=reviewer,
                reason="Bousculade et refus d'obtempérer",
                given_by_id=reviewer,
            )
            rows += 1
    return rows
