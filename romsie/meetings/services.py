"""Writes of the parent–teacher meetings: evenings, slots, bookings, cancellations, reminders.

Bookings are all or nothing. Two guarantees hold under concurrent requests:

* a slot holds one appointment: the appointment table's unique slot (a one-to-one key). Each
  insert runs in its own savepoint; a racing request that loses gets an ``IntegrityError``
  there, which becomes a refusal naming the slot just taken, and the whole booking is undone;
* a guardian's own appointments never overlap: the booking locks the guardian's row first, so
  two submissions of the same person run one after the other and the second sees the first.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.richtext import clean_rich_text
from romsie.core.services import audit_record
from romsie.identity.models import User
from romsie.identity.selectors import guardian_ids_receiving_mail
from romsie.notifications.kinds import local_date, local_time
from romsie.notifications.services import Batch, notify, notify_many
from romsie.schooling.access import current_teaching_ids
from romsie.schooling.models import Enrollment, Level, Room, SchoolClass, Teaching

from . import access
from .models import Appointment, MeetingEvening, MeetingSlot

#: Reminders go out this long before an appointment ("the day before").
REMINDER_AHEAD = datetime.timedelta(hours=24)
#: An evening opened more than this ahead is refused (a typing mistake, not a plan).
MAX_AHEAD = datetime.timedelta(days=366)
MAX_SLOTS_PER_GENERATION = 100


@dataclass(frozen=True)
class EveningData:
    """What the organiser types for an evening."""

    title: str
    date: datetime.date
    starts_at: datetime.time
    ends_at: datetime.time
    slot_minutes: int
    walking_minutes: int
    school_classes: Sequence[SchoolClass]
    levels: Sequence[Level]
    booking_opens_at: datetime.datetime
    booking_closes_at: datetime.datetime
    message_html: str = ""


def _check_evening(data: EveningData) -> None:
    if data.ends_at <= data.starts_at:
        raise ApplicationError(_("The evening must end after it starts."))
    if data.booking_closes_at <= data.booking_opens_at:
        raise ApplicationError(_("Booking must close after it opens."))
    if data.date > timezone.localdate() + MAX_AHEAD:
        raise ApplicationError(_("An evening can be opened at most a year ahead."))
    if not data.school_classes and not data.levels:
        raise ApplicationError(_("Choose at least one class or level."))
    if data.slot_minutes < 5:
        raise ApplicationError(_("A slot lasts at least 5 minutes."))


def _fill_evening(evening: MeetingEvening, data: EveningData) -> None:
    for name in ("title", "date", "starts_at", "ends_at", "slot_minutes", "walking_minutes"):
        setattr(evening, name, getattr(data, name))
    evening.booking_opens_at = data.booking_opens_at
    evening.booking_closes_at = data.booking_closes_at
    evening.message_html = clean_rich_text(data.message_html)


@transaction.atomic
def evening_create(*, scope: Scope, data: EveningData) -> MeetingEvening:
    """Open a meetings evening for some classes or levels."""
    _check_evening(data)
    evening = MeetingEvening(establishment_id=scope.establishment_id, created_by_id=scope.user_id)
    _fill_evening(evening, data)
    evening.save()
    evening.school_classes.set(data.school_classes)
    evening.levels.set(data.levels)
    audit_record(scope=scope, action="meetings.evening_create", target=evening)
    _changed(evening.establishment_id)
    return evening


@transaction.atomic
def evening_update(*, scope: Scope, evening: MeetingEvening, data: EveningData, version: int | None) -> MeetingEvening:
    """Change an evening (its slots already published stay as they are)."""
    claim_version(evening, version)
    _check_evening(data)
    _fill_evening(evening, data)
    evening.save()
    evening.school_classes.set(data.school_classes)
    evening.levels.set(data.levels)
    _changed(evening.establishment_id)
    return evening


def _changed(establishment_id: int) -> None:
    """Refresh the cached list of evenings of the establishment once the transaction is committed."""
    transaction.on_commit(lambda: versions.bump(versions.Kind.MEETINGS, establishment_id))


# -- Slots --------------------------------------------------------------------------------------


def _at(evening: MeetingEvening, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(evening.date, time))


@transaction.atomic
def slots_generate(
    *,
    scope: Scope,
    evening: MeetingEvening,
    starts_at: datetime.time,
    ends_at: datetime.time,
    slot_minutes: int,
    room: Room | None,
    is_break: bool = False,
) -> list[MeetingSlot]:
    """Publish the teacher's slots of ``slot_minutes`` from ``starts_at`` to ``ends_at`` (or one break).

    Times already covered by one of the teacher's slots are skipped; the range must lie within
    the evening.
    """
    if ends_at <= starts_at:
        raise ApplicationError(_("The end must come after the start."))
    if starts_at < evening.starts_at or ends_at > evening.ends_at:
        raise ApplicationError(
            _("Slots must lie within the evening, from %(start)s to %(end)s.")
            % {"start": time_format(evening.starts_at), "end": time_format(evening.ends_at)}
        )
    if slot_minutes < 5:
        raise ApplicationError(_("A slot lasts at least 5 minutes."))
    start, end = _at(evening, starts_at), _at(evening, ends_at)
    step = datetime.timedelta(minutes=slot_minutes)
    wanted = [(start, end)] if is_break else []
    cursor = start
    while not is_break and cursor + step <= end:
        wanted.append((cursor, cursor + step))
        cursor += step
    if not wanted:
        raise ApplicationError(_("The range is shorter than one slot."))
    if len(wanted) > MAX_SLOTS_PER_GENERATION:
        raise ApplicationError(_("Too many slots at once; choose a longer slot or a shorter range."))
    existing = list(
        MeetingSlot.objects.filter(evening=evening, teacher_id=scope.user_id).values_list("starts_at", "ends_at")
    )
    new = [
        MeetingSlot(
            establishment_id=evening.establishment_id,
            evening=evening,
            teacher_id=scope.user_id,
            starts_at=s,
            ends_at=e,
            room=room,
            is_break=is_break,
        )
        for s, e in wanted
        if not any(s < other_end and other_start < e for other_start, other_end in existing)
    ]
    if not new:
        raise ApplicationError(_("You already have slots at these times."))
    _changed(evening.establishment_id)
    return MeetingSlot.objects.bulk_create(new)


@transaction.atomic
def slot_delete(*, scope: Scope, slot: MeetingSlot) -> None:
    """Remove a free slot or a break; a booked slot is freed only by cancelling its appointment."""
    if Appointment.objects.filter(slot=slot).exists():
        raise ApplicationError(_("This slot is booked: cancel the appointment first."))
    slot.delete()
    _changed(slot.establishment_id)


# -- Bookings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One slot a guardian chose for one of their children."""

    slot_id: int
    student_id: int


def _slot_label(slot: MeetingSlot) -> str:
    return _("%(teacher)s at %(time)s") % {
        "teacher": slot.teacher.get_full_name(),
        "time": time_format(timezone.localtime(slot.starts_at)),
    }


def _check_window(evening: MeetingEvening, now: datetime.datetime) -> None:
    if now < evening.booking_opens_at:
        raise ApplicationError(_("Booking has not opened yet."))
    if now > evening.booking_closes_at:
        raise ApplicationError(_("Booking is closed for this evening."))


def check_schedule(slots: Iterable[MeetingSlot], walking_minutes: int) -> None:
    """Refuse a schedule where two appointments overlap or leave no walking time between rooms."""
    ordered = sorted(slots, key=lambda s: s.starts_at)
    walk = datetime.timedelta(minutes=walking_minutes)
    for before, after in itertools.pairwise(ordered):
        if after.starts_at < before.ends_at:
            raise ApplicationError(
                _("Two of your meetings overlap: %(first)s and %(second)s. Nothing was booked.")
                % {"first": _slot_label(before), "second": _slot_label(after)}
            )
        if before.room_id != after.room_id and after.starts_at < before.ends_at + walk:
            raise ApplicationError(
                _("Leave %(minutes)d minutes to walk between rooms: %(first)s then %(second)s. Nothing was booked.")
                % {"minutes": walking_minutes, "first": _slot_label(before), "second": _slot_label(after)}
            )


def _taken_error(slots: Sequence[MeetingSlot]) -> ApplicationError:
    names = ", ".join(_slot_label(s) for s in slots)
    return ApplicationError(
        _("Someone has just booked %(slots)s. Nothing was booked: choose another time.") % {"slots": names},
        extra={"taken": [s.pk for s in slots]},
    )


@transaction.atomic
def appointments_book(
    *, scope: Scope, evening: MeetingEvening, choices: Sequence[Choice], now: datetime.datetime | None = None
) -> list[Appointment]:
    """Book several slots for several children in one go, all or nothing.

    Each child must be the guardian's, concerned by the evening, and the slot's teacher one of
    the child's teachers; the guardian's appointments (those they had and the new ones) may
    not overlap and must leave the walking time between rooms.
    """
    if not choices:
        raise ApplicationError(_("Choose at least one slot."))
    _check_window(evening, now or timezone.now())
    # One booking of this guardian at a time: their second submission waits for the first.
    User.objects.select_for_update().filter(pk=scope.user_id).values_list("pk").first()
    children = set(access.child_ids(scope))
    students = {c.student_id for c in choices}
    if not students <= children:
        raise ApplicationError(_("You can only book for your own children."))
    concerned = set(access.concerned_class_ids(evening).values_list("pk", flat=True))
    enrolled = {
        (student_id, class_id)
        for student_id, class_id in SchoolClass.objects.filter(
            enrollments__student_id__in=students, school_year__is_current=True
        ).values_list("enrollments__student_id", "pk")
    }
    for student_id in students:
        if not any(class_id in concerned for s, class_id in enrolled if s == student_id):
            raise ApplicationError(_("This evening does not concern this child's class."))
    slot_ids = [c.slot_id for c in choices]
    if len(set(slot_ids)) != len(slot_ids):
        raise ApplicationError(_("The same slot was chosen twice."))
    slots = {
        s.pk: s
        for s in MeetingSlot.objects.filter(evening=evening, pk__in=slot_ids, is_break=False).select_related("teacher")
    }
    if len(slots) != len(slot_ids):
        raise ApplicationError(_("One of the slots chosen is no longer offered."))
    teachers_of: dict[int, set[int]] = {}
    for student_id in students:
        teachings = Teaching.objects.filter(pk__in=current_teaching_ids(evening.establishment_id, student_id))
        teachers_of[student_id] = set(teachings.values_list("teacher_id", flat=True))
    pairs = set()
    for choice in choices:
        slot = slots[choice.slot_id]
        if slot.teacher_id not in teachers_of[choice.student_id]:
            raise ApplicationError(_("You can only book with your child's own teachers."))
        if (choice.student_id, slot.teacher_id) in pairs:
            raise ApplicationError(_("Choose one slot per teacher and child."))
        pairs.add((choice.student_id, slot.teacher_id))
    booked = list(MeetingSlot.objects.filter(pk__in=slot_ids, appointment__isnull=False).select_related("teacher"))
    if booked:
        raise _taken_error(booked)
    already = Appointment.objects.filter(evening=evening, student_id__in=students).values_list(
        "student_id", "teacher_id"
    )
    if pairs & set(already):
        raise ApplicationError(_("You already have a meeting with this teacher for this child."))
    own = list(
        MeetingSlot.objects.filter(
            appointment__guardian_id=scope.user_id,
            starts_at__date=evening.date,
            establishment_id=evening.establishment_id,
        ).select_related("teacher")
    )
    check_schedule([*own, *slots.values()], evening.walking_minutes)
    made: list[Appointment] = []
    taken: list[MeetingSlot] = []
    for choice in choices:
        slot = slots[choice.slot_id]
        appointment = Appointment(
            establishment_id=evening.establishment_id,
            evening=evening,
            slot=slot,
            teacher_id=slot.teacher_id,
            guardian_id=scope.user_id,
            student_id=choice.student_id,
        )
        try:
            with transaction.atomic():  # a savepoint: the losing insert of a race is told apart
                appointment.save(force_insert=True)
        except IntegrityError:
            if Appointment.objects.filter(slot=slot).exists():
                taken.append(slot)
                continue
            raise ApplicationError(_("You already have a meeting with this teacher for this child.")) from None
        made.append(appointment)
    if taken:
        raise _taken_error(taken)
    _changed(evening.establishment_id)
    return made


def cancelled_params(params: dict[str, Any]) -> dict[str, Any]:
    """Word a cancellation or a reminder in the reader's language."""
    room = _("Room: %(room)s.") % {"room": params["room"]} if params.get("room") else ""
    return {**params, "date": local_date(params["on"]), "time": local_time(params["at"]), "room": room}


def _params(appointment: Appointment) -> dict[str, Any]:
    starts = timezone.localtime(appointment.slot.starts_at)
    return {  # data, worded in each reader's language by cancelled_params
        "on": starts.date().isoformat(),
        "at": starts.time().isoformat(timespec="minutes"),
        "teacher": appointment.teacher.get_full_name(),
        "student": appointment.student.get_full_name(),
        "guardian": appointment.guardian.get_full_name(),
        "room": appointment.slot.room.name if appointment.slot.room else "",
    }


@transaction.atomic
def appointment_cancel(*, scope: Scope, appointment: Appointment) -> None:
    """Cancel an appointment (by its guardian or its teacher): the slot is free again, the other is told."""
    if appointment.slot.ends_at < timezone.now():
        raise ApplicationError(_("This meeting has already taken place."))
    other = appointment.teacher_id if scope.user_id == appointment.guardian_id else appointment.guardian_id
    params = _params(appointment)
    establishment_id = appointment.establishment_id
    appointment.delete()
    _changed(establishment_id)
    transaction.on_commit(
        lambda: notify(
            "meetings.cancelled",
            [other],
            params=params,
            url=reverse("meetings:appointment-list"),
            establishment_id=establishment_id,
            actor_id=scope.user_id,
        )
    )


def appointments_to_remind(now: datetime.datetime) -> QuerySet[Appointment]:
    """Appointments starting within a day that have not been reminded yet."""
    return Appointment.objects.filter(
        reminded_at__isnull=True, slot__starts_at__gt=now, slot__starts_at__lte=now + REMINDER_AHEAD
    )


@transaction.atomic
def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind the guardian and the teacher of each appointment the day before; return how many.

    Idempotent: each appointment is reminded once (``reminded_at``), the rows locked while the
    notifications are written, so two runs at once do not remind twice.
    """
    now = now or timezone.now()
    due = list(
        appointments_to_remind(now)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("slot__room", "teacher", "guardian", "student")
    )
    if not due:
        return 0
    url = reverse("meetings:appointment-list")
    by_establishment: dict[int, list[Batch]] = {}
    for appointment in due:
        params = _params(appointment)
        by_establishment.setdefault(appointment.establishment_id, []).append(
            Batch([appointment.guardian_id, appointment.teacher_id], params, url)
        )
    for establishment_id, batches in by_establishment.items():
        notify_many("meetings.reminder", batches, establishment_id=establishment_id)
    Appointment.objects.filter(pk__in=[a.pk for a in due]).update(reminded_at=now)
    return len(due)


def opened_params(params: dict[str, Any]) -> dict[str, Any]:
    """Word an evening's opening in the reader's language (``%(date)s``)."""
    return {**params, "date": local_date(params["on"])}


@transaction.atomic
def openings_announce(*, now: datetime.datetime | None = None) -> int:
    """Tell the guardians of the classes concerned that an evening's booking is open; return how many evenings.

    Once per evening (``announced_at``, rows locked so two runs at once do not tell twice), when
    its booking window has opened and not closed yet; one bulk notification per evening.
    """
    now = now or timezone.now()
    due = list(
        MeetingEvening.objects.filter(announced_at__isnull=True, booking_opens_at__lte=now, booking_closes_at__gt=now)
        .select_for_update(skip_locked=True)
        .order_by("pk")
    )
    for evening in due:
        students = Enrollment.objects.filter(school_class_id__in=access.concerned_class_ids(evening)).values(
            "student_id"
        )
        guardians = guardian_ids_receiving_mail(establishment_id=evening.establishment_id, students=students)
        notify(
            "meetings.opened",
            list(guardians.distinct()),
            params={"title": evening.title, "on": evening.date.isoformat()},
            url=reverse("meetings:booking", args=[evening.pk]),
            establishment_id=evening.establishment_id,
            actor_id=evening.created_by_id,
        )
    MeetingEvening.objects.filter(pk__in=[e.pk for e in due]).update(announced_at=now)
    return len(due)
