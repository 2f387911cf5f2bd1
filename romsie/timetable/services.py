"""Writes of the timetable: calendar, lessons, the sessions they generate, and changes to sessions.

:func:`timetable_sync` is the one function that makes the future sessions of a school year match
its lessons and calendar. It is idempotent and costs a fixed number of queries: every write of
a lesson, a day off or a week label calls it. Past sessions, and sessions staff changed by hand,
are never touched by it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.services import audit_record
from romsie.identity.models import Role, RoleAssignment, User
from romsie.identity.selectors import guardian_ids_receiving_mail
from romsie.notifications.kinds import local_date_time, local_time
from romsie.notifications.services import notify
from romsie.schooling.models import Enrollment, GroupMembership, Room, SchoolYear, Teaching

from .models import DayOff, Lesson, SchoolWeek, Session, WeekLabel


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def current_year(scope: Scope) -> SchoolYear:
    year = SchoolYear.objects.filter(establishment_id=scope.establishment_id, is_current=True).first()
    if year is None:
        raise ApplicationError(_("There is no current school year yet: create one and mark it current first."))
    return year


def days_off_dates(school_year: SchoolYear) -> set[datetime.date]:
    """Every date without lessons in the school year."""
    dates: set[datetime.date] = set()
    for starts_on, ends_on in DayOff.objects.filter(school_year=school_year).values_list("starts_on", "ends_on"):
        day = starts_on
        while day <= ends_on:
            dates.add(day)
            day += datetime.timedelta(days=1)
    return dates


def _week_labels(school_year: SchoolYear, days_off: set[datetime.date]) -> dict[datetime.date, str]:
    """Alternate A and B from the first week of the year, skipping weeks entirely off."""
    labels: dict[datetime.date, str] = {}
    monday = _monday(school_year.starts_on)
    next_label = WeekLabel.A
    while monday <= school_year.ends_on:
        weekdays = [monday + datetime.timedelta(days=i) for i in range(5)]
        school_days = [d for d in weekdays if school_year.starts_on <= d <= school_year.ends_on and d not in days_off]
        if school_days:
            labels[monday] = next_label
            next_label = WeekLabel.B if next_label == WeekLabel.A else WeekLabel.A
        monday += datetime.timedelta(days=7)
    return labels


@transaction.atomic
def weeks_generate(*, school_year: SchoolYear, today: datetime.date | None = None) -> int:
    """(Re)label the weeks of the year A/B, then bring future sessions in line; return the weeks."""
    labels = _week_labels(school_year, days_off_dates(school_year))
    existing = {w.monday: w for w in SchoolWeek.objects.filter(school_year=school_year)}
    SchoolWeek.objects.filter(school_year=school_year).exclude(monday__in=list(labels)).delete()
    changed = []
    for monday, label in labels.items():
        week = existing.get(monday)
        if week is not None and week.label != label:
            week.label = label
            changed.append(week)
    SchoolWeek.objects.bulk_update(changed, ["label"])
    SchoolWeek.objects.bulk_create(
        SchoolWeek(establishment_id=school_year.establishment_id, school_year=school_year, monday=m, label=label)
        for m, label in labels.items()
        if m not in existing
    )
    timetable_sync(school_year=school_year, today=today)
    return len(labels)


@transaction.atomic
def week_label_swap(*, scope: Scope, week: SchoolWeek) -> SchoolWeek:
    """Swap one week between A and B (a school that alternates differently after a holiday)."""
    week.label = WeekLabel.B if week.label == WeekLabel.A else WeekLabel.A
    week.save(update_fields=["label"])
    timetable_sync(school_year=week.school_year)
    _timetable_changed(week.establishment_id)
    audit_record(scope=scope, action="timetable.week_swapped", target=week)
    return week


def _planned_dates(
    lesson: Lesson,
    first: datetime.date,
    last: datetime.date,
    days_off: set[datetime.date],
    labels: dict[datetime.date, str],
) -> Iterable[datetime.date]:
    if lesson.until is not None:
        last = min(last, lesson.until)
    day = first + datetime.timedelta(days=(lesson.weekday - first.weekday()) % 7)
    while day <= last:
        if day not in days_off and (not lesson.weeks or labels.get(_monday(day)) == lesson.weeks):
            yield day
        day += datetime.timedelta(days=7)


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0


@transaction.atomic
def timetable_sync(*, school_year: SchoolYear, today: datetime.date | None = None) -> SyncResult:
    """Make the sessions from ``today`` on match the lessons and the calendar of the year.

    Creates missing sessions, updates untouched ones whose lesson moved (time, room, teacher),
    deletes untouched ones that no longer happen (a new day off, a deleted lesson). Sessions
    staff changed (``version`` > 0) and past sessions are left as they are.
    """
    today = today or timezone.localdate()
    first = max(today, school_year.starts_on)
    result = SyncResult()
    if first > school_year.ends_on:
        return result
    days_off = days_off_dates(school_year)
    labels = dict(SchoolWeek.objects.filter(school_year=school_year).values_list("monday", "label"))
    if not labels:
        labels = _week_labels(school_year, days_off)
    lessons = list(Lesson.objects.filter(school_year=school_year).select_related("teaching"))
    wanted: dict[tuple[int, datetime.date], Lesson] = {}
    for lesson in lessons:
        for day in _planned_dates(lesson, first, school_year.ends_on, days_off, labels):
            wanted[(lesson.pk, day)] = lesson
    existing = Session.objects.filter(lesson__school_year=school_year, planned_date__gte=first)
    to_update: list[Session] = []
    to_delete: list[int] = []
    seen: set[tuple[int, datetime.date]] = set()
    for session in existing.only(
        "pk", "lesson_id", "planned_date", "version", "starts_at", "ends_at", "room_id", "teacher_id"
    ):
        key = (session.lesson_id, session.planned_date)
        seen.add(key)
        if session.version:
            continue
        planned = wanted.get(key)
        if planned is None:
            to_delete.append(session.pk)
            continue
        fields = (planned.starts_at, planned.ends_at, planned.room_id, planned.teaching.teacher_id)
        if (session.starts_at, session.ends_at, session.room_id, session.teacher_id) != fields:
            session.starts_at, session.ends_at, session.room_id, session.teacher_id = fields
            session.planned_starts_at, session.planned_room_id, session.planned_teacher_id = fields[0], *fields[2:]
            to_update.append(session)
    if to_delete:
        result.deleted, _details = Session.objects.filter(pk__in=to_delete).delete()
    Session.objects.bulk_update(
        to_update,
        ["starts_at", "ends_at", "room", "teacher", "planned_starts_at", "planned_room", "planned_teacher"],
        batch_size=500,
    )
    result.updated = len(to_update)
    created = [
        Session(
            establishment_id=lesson.establishment_id,
            lesson=lesson,
            teaching_id=lesson.teaching_id,
            teacher_id=lesson.teaching.teacher_id,
            room_id=lesson.room_id,
            date=day,
            starts_at=lesson.starts_at,
            ends_at=lesson.ends_at,
            planned_date=day,
            planned_starts_at=lesson.starts_at,
            planned_room_id=lesson.room_id,
            planned_teacher_id=lesson.teaching.teacher_id,
        )
        for (lesson_pk, day), lesson in wanted.items()
        if (lesson_pk, day) not in seen
    ]
    Session.objects.bulk_create(created, batch_size=1000, ignore_conflicts=True)
    result.created = len(created)
    if result.created or result.updated or result.deleted:
        _timetable_changed(school_year.establishment_id)
    return result


def _timetable_changed(establishment_id: int) -> None:
    """Cached timetable blocks (the dashboard's "my lessons", the week and day pages) are recomputed."""
    transaction.on_commit(lambda: versions.bump(versions.Kind.TIMETABLE, establishment_id))


# Calendar


@transaction.atomic
def day_off_save(
    *, scope: Scope, name: str, starts_on: datetime.date, ends_on: datetime.date, day_off: DayOff | None = None
) -> DayOff:
    year = current_year(scope)
    if ends_on < starts_on:
        raise ApplicationError(_("The last day must be on or after the first day."))
    if starts_on < year.starts_on or ends_on > year.ends_on:
        raise ApplicationError(_("The dates must be within the school year %(year)s.") % {"year": year.name})
    day_off = day_off or DayOff(establishment_id=scope.establishment_id, school_year=year)
    day_off.name, day_off.starts_on, day_off.ends_on = name, starts_on, ends_on
    day_off.save()
    weeks_generate(school_year=year)
    _timetable_changed(year.establishment_id)
    audit_record(scope=scope, action="timetable.day_off_saved", target=day_off)
    return day_off


@transaction.atomic
def day_off_delete(*, scope: Scope, day_off: DayOff) -> None:
    year = day_off.school_year
    day_off.delete()
    weeks_generate(school_year=year)
    _timetable_changed(year.establishment_id)
    audit_record(scope=scope, action="timetable.day_off_deleted", target=day_off)


# Lessons


def lock_room_and_teacher(room_id: int | None, teacher_id: int | None) -> None:
    """Hold the room's and the teacher's rows until the transaction ends, before checking clashes.

    Checking "is the room free?" then writing is a race: two moves into one room at one time
    both see it free. Every write that books a room or a teacher (a session change, a weekly
    lesson) takes these row locks first, always the room before the teacher (so two bookings
    never wait on each other in a cycle); on PostgreSQL a concurrent booking of the same room
    or teacher waits here until this transaction ends, then sees what it wrote. ``FOR NO KEY
    UPDATE`` does not block rows that merely refer to them (new sessions, notifications).
    SQLite has no row locks (``select_for_update`` is a no-op there) and runs one writer at a time.
    """
    if room_id is not None:
        list(Room.objects.select_for_update(no_key=True).filter(pk=room_id).values_list("pk", flat=True))
    if teacher_id is not None:
        list(User.objects.select_for_update(no_key=True).filter(pk=teacher_id).values_list("pk", flat=True))


def lock_establishment_bookings(establishment_id: int) -> None:
    """Lock every room and teacher of the establishment (an import rewrites many lessons at once).

    Same order as :func:`lock_room_and_teacher`: all rooms, then all teachers, each by id.
    """
    rooms = Room.objects.filter(establishment_id=establishment_id)
    list(rooms.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
    teacher_ids = RoleAssignment.objects.filter(establishment_id=establishment_id, role=Role.TEACHER).values("user_id")
    teachers = User.objects.filter(pk__in=teacher_ids)
    list(teachers.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))


def _check_lesson(scope: Scope, teaching: Teaching, room: Room | None, starts_at: datetime.time,
                  ends_at: datetime.time) -> None:  # fmt: skip
    if teaching.establishment_id != scope.establishment_id or (
        room is not None and room.establishment_id != scope.establishment_id
    ):
        raise ApplicationError(_("This teaching or room belongs to another establishment."))
    if ends_at <= starts_at:
        raise ApplicationError(_("The lesson must end after it starts."))


def _check_lesson_clashes(scope: Scope, teaching: Teaching, room: Room | None, weekday: int, starts_at: datetime.time,
                          ends_at: datetime.time, weeks: str, exclude_pk: int | None) -> None:  # fmt: skip
    """Refuse a room or a teacher already booked at that time (call it with their rows locked)."""
    overlapping = Lesson.objects.filter(
        establishment_id=scope.establishment_id,
        school_year__is_current=True,
        until__isnull=True,
        weekday=weekday,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    ).exclude(pk=exclude_pk)
    if weeks:
        overlapping = overlapping.filter(weeks__in=["", weeks])
    if room is not None and overlapping.filter(room=room).exists():
        raise ApplicationError(_("Room %(room)s is already taken at that time.") % {"room": room.name})
    if overlapping.filter(teaching__teacher_id=teaching.teacher_id).exists():
        raise ApplicationError(_("The teacher already has a lesson at that time."))


@transaction.atomic
def lesson_save(
    *,
    scope: Scope,
    teaching: Teaching,
    room: Room | None,
    weekday: int,
    starts_at: datetime.time,
    ends_at: datetime.time,
    weeks: str = "",
    lesson: Lesson | None = None,
    version: int | None,
    sync: bool = True,
) -> Lesson:
    """Create or change a weekly lesson; the future sessions follow (unless ``sync`` is False).

    A change is refused (``StaleEdit``) unless ``version`` is still the lesson's version (the one
    its form showed); ``None`` when creating.
    """
    year = current_year(scope)
    _check_lesson(scope, teaching, room, starts_at, ends_at)
    lock_room_and_teacher(room.pk if room is not None else None, teaching.teacher_id)
    if lesson is not None:
        # After the room and teacher locks, as every booking takes them, so two never wait in a cycle.
        claim_version(lesson, version)
    _check_lesson_clashes(scope, teaching, room, weekday, starts_at, ends_at, weeks, lesson.pk if lesson else None)
    lesson = lesson or Lesson(establishment_id=scope.establishment_id, school_year=year)
    lesson.teaching, lesson.room, lesson.weekday = teaching, room, weekday
    lesson.starts_at, lesson.ends_at, lesson.weeks = starts_at, ends_at, weeks
    try:
        lesson.validate_constraints()
    except ValidationError as error:
        raise ApplicationError(_("This teaching already has a lesson at that time.")) from error
    lesson.save()
    if sync:
        timetable_sync(school_year=year)
    return lesson


@transaction.atomic
def lessons_end(*, lessons: Iterable[Lesson], today: datetime.date | None = None) -> int:
    """Stop lessons: those with past sessions end yesterday (their record stays), others go."""
    today = today or timezone.localdate()
    ids = [lesson.pk for lesson in lessons]
    with_past = set(
        Session.objects.filter(lesson_id__in=ids, planned_date__lt=today).values_list("lesson_id", flat=True)
    )
    Lesson.objects.filter(pk__in=with_past).update(until=today - datetime.timedelta(days=1))
    Session.objects.filter(lesson_id__in=ids, planned_date__gte=today, version=0).delete()
    Lesson.objects.filter(pk__in=set(ids) - with_past).delete()
    return len(ids)


@transaction.atomic
def lesson_delete(*, scope: Scope, lesson: Lesson) -> None:
    """Remove a lesson from the timetable; its past sessions stay in the record."""
    year = lesson.school_year
    lessons_end(lessons=[lesson])
    timetable_sync(school_year=year)
    audit_record(scope=scope, action="timetable.lesson_deleted", target=lesson)


# Changes to one session


@dataclass(frozen=True)
class SessionChange:
    """What staff record on a session; ``None`` keeps the current value."""

    cancelled: bool
    date: datetime.date
    starts_at: datetime.time
    ends_at: datetime.time
    room: Room | None
    teacher_id: int
    note: str = ""


#: what :func:`session_change` writes on a session (its version is written by ``claim_version``)
SESSION_CHANGE_FIELDS = [
    "status",
    "date",
    "starts_at",
    "ends_at",
    "room",
    "teacher",
    "change_note",
    "changed_at",
    "changed_by",
]


def _clashes(session: Session, change: SessionChange) -> None:
    if change.cancelled:
        return
    others = (
        Session.objects.filter(
            establishment_id=session.establishment_id,
            date=change.date,
            starts_at__lt=change.ends_at,
            ends_at__gt=change.starts_at,
        )
        .exclude(pk=session.pk)
        .exclude(status=Session.Status.CANCELLED)
    )
    if change.room is not None and others.filter(room=change.room).exists():
        raise ApplicationError(_("Room %(room)s is already taken at that time.") % {"room": change.room.name})
    if others.filter(teacher_id=change.teacher_id).exists():
        raise ApplicationError(_("This teacher already teaches at that time."))


def concerned_people(session: Session) -> list[int]:
    """The session's students, their guardians who receive school mail and its teachers (planned and actual)."""
    teaching = session.teaching
    students: Any
    if teaching.school_class_id:
        students = Enrollment.objects.filter(school_class_id=teaching.school_class_id).values("student_id")
    else:
        students = GroupMembership.objects.filter(teaching_group_id=teaching.teaching_group_id).values("student_id")
    guardians = guardian_ids_receiving_mail(establishment_id=session.establishment_id, students=students)
    ids = set(guardians) | set(students.values_list("student_id", flat=True))
    return sorted(ids | {session.teacher_id, session.planned_teacher_id})


@transaction.atomic
def session_change(*, scope: Scope, session: Session, version: int | None, change: SessionChange) -> Session:
    """Record a change on a session and notify everyone concerned.

    ``version`` is the one the form showed: if someone changed the session in between, the
    change is refused (``StaleEdit``) rather than silently overwriting theirs.
    """
    if change.ends_at <= change.starts_at:
        raise ApplicationError(_("The lesson must end after it starts."))
    year = session.lesson.school_year
    if not (year.starts_on <= change.date <= year.ends_on):
        raise ApplicationError(_("The date must be within the school year %(year)s.") % {"year": year.name})
    if change.room is not None and change.room.establishment_id != session.establishment_id:
        raise ApplicationError(_("This room belongs to another establishment."))
    if not change.cancelled:
        lock_room_and_teacher(change.room.pk if change.room is not None else None, change.teacher_id)
    # After the room and teacher locks (the order every booking takes), before checking and writing.
    claim_version(session, version)
    _clashes(session, change)
    session.status = Session.Status.CANCELLED if change.cancelled else Session.Status.PLANNED
    session.date, session.starts_at, session.ends_at = change.date, change.starts_at, change.ends_at
    session.room, session.teacher_id, session.change_note = change.room, change.teacher_id, change.note
    session.changed_at, session.changed_by_id = timezone.now(), scope.user_id
    session.save(update_fields=SESSION_CHANGE_FIELDS)
    _timetable_changed(session.establishment_id)
    _notify_change(scope, session)
    audit_record(scope=scope, action="timetable.session_changed", target=session, note=change.note)
    return session


def _notify_change(scope: Scope, session: Session) -> None:
    # Data, not text: each reader sees the dates in their language (session_notification_params).
    params: dict[str, Any] = {
        "subject": session.teaching.subject.name,
        "planned_on": session.planned_date.isoformat(),
        "planned_at": session.planned_starts_at.isoformat("minutes"),
        "note": session.change_note,
    }
    if session.is_cancelled:
        kind = "timetable.session_cancelled"
    else:
        kind = "timetable.session_changed"
        params.update(
            on=session.date.isoformat(),
            starts_at=session.starts_at.isoformat("minutes"),
            ends_at=session.ends_at.isoformat("minutes"),
            room=session.room.name if session.room is not None else "",
            substitute=session.teacher.get_full_name() if session.has_substitute else "",
        )
    monday = _monday(session.date)
    notify(
        kind,
        concerned_people(session),
        params=params,
        url=f"{reverse('timetable:week')}?semaine={monday:%Y-%m-%d}",
        establishment_id=session.establishment_id,
        actor_id=scope.user_id,
    )


def session_notification_params(params: dict[str, Any]) -> dict[str, Any]:
    """Word a lesson's cancellation or change in the reader's language (``%(date)s``, ``%(details)s``)."""
    if "planned_on" not in params:
        return params  # written as text before dates were stored as data
    details = []
    if "on" in params:
        starts = local_date_time(params["on"], params["starts_at"])
        details.append(f"{starts}–{local_time(params['ends_at'])}")
    details += [part for part in (params.get("room"), params.get("substitute")) if part]
    text = ", ".join(details)
    if params.get("note"):
        text = f"{text} ({params['note']})".strip()
    return {
        "subject": params["subject"],
        "date": local_date_time(params["planned_on"], params["planned_at"]),
        "details": text,
    }
