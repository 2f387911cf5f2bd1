"""Reads of resource booking: resources by kind, a resource's days, one's bookings, the validation queue.

A resource's day or week costs a fixed number of queries whatever it holds: its bookings (with
their bookers) in one, the lessons in its room in another.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.identity.models import User
from romsie.identity.selectors import by_name
from romsie.timetable.models import Session

from . import access
from .models import Booking, Resource, ResourceKind

#: the part of a day the views offer free slots in
DAY_STARTS = datetime.time(8, 0)
DAY_ENDS = datetime.time(18, 0)
#: a free slot offered is at most this long (the form lets the person change it)
FREE_SLOT_MINUTES = 60
#: the most upcoming bookings "my bookings" and the validation queue show
LIST_LIMIT = 200


@dataclass(frozen=True)
class Slot:
    """A part of a resource's day: a lesson, a booking, or a free time one may book."""

    starts_at: datetime.datetime  # local time
    ends_at: datetime.datetime
    kind: str  # "lesson", "booking" or "free"
    label: str = ""
    detail: str = ""
    status: str = ""
    booking_id: int | None = None
    is_own: bool = False

    @property
    def is_free(self) -> bool:
        return self.kind == "free"

    @property
    def is_pending(self) -> bool:
        return self.status == Booking.Status.PENDING


@dataclass
class Day:
    """One day of a resource's schedule, its slots in time order."""

    date: datetime.date
    slots: list[Slot] = field(default_factory=list)

    @property
    def is_today(self) -> bool:
        return self.date == timezone.localdate()


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def resource_list_stamp(scope: Scope) -> tuple[Any, ...]:
    """What the list of resources depends on: the establishment's kinds and resources (with their
    managers), and the person's booking rights."""
    rights = tuple(sorted(h for h in scope.habilitations if h.startswith("booking.")))
    return (rights, *versions.stamp(versions.key(versions.Kind.BOOKING_RESOURCES, scope.establishment_id)))


def resources_by_kind(scope: Scope) -> list[tuple[ResourceKind, list[Resource]]]:
    """The resources the person sees, grouped by kind (one query)."""
    resources = visible_resource_list(scope)
    return [(kind, list(items)) for kind, items in groupby(resources, key=lambda r: r.kind)]


def visible_resource_list(scope: Scope) -> list[Resource]:
    return list(access.visible_resources(scope).select_related("room").order_by("kind__name", "kind_id", "name"))


def _aware(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def resource_days(scope: Scope, resource: Resource, first_day: datetime.date, count: int) -> list[Day]:
    """The resource's schedule from ``first_day`` for ``count`` days: lessons, bookings, free slots (two queries).

    What a booking shows depends on the person (:func:`access.sees_booking_details`).
    """
    days = [first_day + datetime.timedelta(days=i) for i in range(count)]
    start, end = _aware(days[0], datetime.time.min), _aware(days[-1] + datetime.timedelta(days=1), datetime.time.min)
    details = access.sees_booking_details(scope)
    busy: dict[datetime.date, list[Slot]] = {day: [] for day in days}
    bookings = (
        Booking.objects.filter(resource_id=resource.pk, status__in=Booking.ACTIVE, starts_at__lt=end, ends_at__gt=start)
        .select_related("booker")
        .order_by("starts_at")
    )
    for booking in bookings:
        local_start, local_end = timezone.localtime(booking.starts_at), timezone.localtime(booking.ends_at)
        own = booking.booker_id == scope.user_id
        shows = details or own
        busy.setdefault(local_start.date(), []).append(
            Slot(
                local_start,
                local_end,
                "booking",
                label=booking.booker.get_full_name() if shows else _("Busy"),
                detail=booking.purpose if shows else "",
                status=booking.status,
                booking_id=booking.pk if own else None,
                is_own=own,
            )
        )
    if resource.room_id is not None:
        sessions = (
            Session.objects.filter(room_id=resource.room_id, date__gte=days[0], date__lte=days[-1])
            .exclude(status=Session.Status.CANCELLED)
            .only("date", "starts_at", "ends_at")
        )
        for session in sessions:
            busy.setdefault(session.date, []).append(
                Slot(
                    _aware(session.date, session.starts_at),
                    _aware(session.date, session.ends_at),
                    "lesson",
                    _("Lesson"),
                )
            )
    return [Day(day, _with_free_slots(day, sorted(busy[day], key=lambda s: s.starts_at))) for day in days]


def _with_free_slots(day: datetime.date, busy: list[Slot]) -> list[Slot]:
    """Insert the free times of the day (within the opening hours, from now on) between the busy slots."""
    now = timezone.localtime()
    result: list[Slot] = []
    cursor = _aware(day, DAY_STARTS)
    closing = _aware(day, DAY_ENDS)
    for slot in [*busy, None]:
        until = closing if slot is None else min(slot.starts_at, closing)
        free_from = max(cursor, now.replace(second=0, microsecond=0))
        # Free slots start on a quarter hour, so the suggested times read well.
        free_from += datetime.timedelta(minutes=(-free_from.minute) % 15)
        while until - free_from >= datetime.timedelta(minutes=15):
            free_to = min(until, free_from + datetime.timedelta(minutes=FREE_SLOT_MINUTES))
            result.append(Slot(free_from, free_to, "free", _("Free")))
            free_from = free_to
        if slot is not None:
            result.append(slot)
            cursor = max(cursor, slot.ends_at)
    return result


def my_bookings(scope: Scope) -> QuerySet[Booking]:
    """The person's bookings from today on, pending, confirmed or refused (one query)."""
    today = _aware(timezone.localdate(), datetime.time.min)
    return (
        access.own_bookings(scope)
        .filter(ends_at__gte=today)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("resource")
        .order_by("starts_at", "pk")[:LIST_LIMIT]
    )


def validation_queue(scope: Scope) -> QuerySet[Booking]:
    """The pending bookings the person decides on, the soonest first (one query)."""
    return (
        access.managed_bookings(scope)
        .filter(status=Booking.Status.PENDING, ends_at__gte=timezone.now())
        .select_related("resource", "booker", "series")
        .order_by("starts_at", "pk")[:LIST_LIMIT]
    )


#: how many of the person's next bookings the dashboard shows
WIDGET_SIZE = 5


def widget_bookings(scope: Scope) -> list[Booking]:
    """The person's next active bookings, for the dashboard (one query)."""
    return list(
        access.own_bookings(scope)
        .filter(status__in=Booking.ACTIVE, ends_at__gte=timezone.now())
        .select_related("resource")
        .order_by("starts_at", "pk")[:WIDGET_SIZE]
    )


def manager_candidates_named(scope: Scope, ids: list[int]) -> list[User]:
    """Among ``ids``, the people who may be named managers (the picker's chosen people; one query)."""
    return list(by_name(access.manager_candidates(scope).filter(pk__in=ids)))


def manager_candidates_matching(scope: Scope, words: str, limit: int = 20) -> list[User]:
    """The possible managers whose name contains every word (the picker's search; one query)."""
    found = access.manager_candidates(scope)
    for word in words.split()[:4]:
        found = found.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word))
    return list(by_name(found)[:limit])
