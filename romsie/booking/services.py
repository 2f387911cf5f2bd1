"""Writes of resource booking: book (once or weekly), cancel, validate or refuse, manage resources.

No clash, by the database: ``booking_create`` locks the resource's row (``SELECT ... FOR
UPDATE``), then checks the other active bookings and the timetable's lessons in the resource's
room, then inserts. Concurrent requests for one resource thus queue on that lock, and each sees
the bookings committed before it. On PostgreSQL the exclusion constraint ``booking_no_overlap``
backs this up: should an overlapping row reach the table anyway, its ``IntegrityError`` becomes
the same clear refusal, never a 500.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.forms import person_ids
from romsie.core.services import audit_record
from romsie.notifications.kinds import local_date_time
from romsie.notifications.services import notify
from romsie.timetable.models import Session

from . import access
from .models import Booking, BookingSeries, Resource, ResourceKind

#: a weekly series covers at most this many weeks (a school year)
MAX_WEEKS = 45


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value)


def _day_label(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def occurrences(
    starts_at: datetime.datetime, ends_at: datetime.datetime, until: datetime.date | None
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The (start, end) of each week from ``starts_at`` until ``until`` (local wall times kept)."""
    start, end = _local(starts_at), _local(ends_at)
    if until is None:
        return [(start, end)]
    tz = timezone.get_current_timezone()
    result = []
    day = start.date()
    while day <= until:
        result.append(
            (
                timezone.make_aware(datetime.datetime.combine(day, start.time().replace(tzinfo=None)), tz),
                timezone.make_aware(datetime.datetime.combine(day, end.time().replace(tzinfo=None)), tz),
            )
        )
        day += datetime.timedelta(days=7)
    return result


def _check_rules(
    *,
    scope: Scope,
    resource: Resource,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    until: datetime.date | None,
) -> None:
    """Refuse a booking the resource's rules do not allow, with a message the person can act on."""
    if not access.can_book(scope, resource):
        raise ApplicationError(_("The rules of this resource do not let you book it."), extra={"reason": "profile"})
    start, end = _local(starts_at), _local(ends_at)
    if end <= start:
        raise ApplicationError(_("The booking must end after it starts."), extra={"reason": "order"})
    if end.date() != start.date():
        raise ApplicationError(_("A booking starts and ends on the same day."), extra={"reason": "days"})
    if start < timezone.now():
        raise ApplicationError(_("This time is already past."), extra={"reason": "past"})
    rules = resource.rules
    minutes = (end - start).total_seconds() / 60
    if minutes > rules.max_minutes:
        raise ApplicationError(
            _("A booking of this resource lasts at most %(minutes)s minutes.") % {"minutes": rules.max_minutes},
            extra={"reason": "length"},
        )
    last_day = until or start.date()
    limit = timezone.localdate() + datetime.timedelta(days=rules.max_days_ahead)
    if last_day > limit:
        raise ApplicationError(
            _("This resource may be booked at most %(days)s days ahead, until %(date)s.")
            % {"days": rules.max_days_ahead, "date": _day_label(limit)},
            extra={"reason": "ahead"},
        )
    if until is not None:
        if until <= start.date():
            raise ApplicationError(
                _("The last week of a weekly booking must come after its first day."), extra={"reason": "until"}
            )
        if (until - start.date()).days > 7 * MAX_WEEKS:
            raise ApplicationError(
                _("A weekly booking covers at most %(weeks)s weeks.") % {"weeks": MAX_WEEKS},
                extra={"reason": "until"},
            )


def clashing_dates(
    resource: Resource, slots: list[tuple[datetime.datetime, datetime.datetime]], *, exclude_pk: int | None = None
) -> list[datetime.date]:
    """The days of ``slots`` on which another active booking or a lesson holds the resource (two queries)."""
    overlap = Q(pk__in=[])
    for start, end in slots:
        overlap |= Q(starts_at__lt=end, ends_at__gt=start)
    bookings = Booking.objects.filter(overlap, resource_id=resource.pk, status__in=Booking.ACTIVE)
    if exclude_pk is not None:
        bookings = bookings.exclude(pk=exclude_pk)
    days = {_local(b.starts_at).date() for b in bookings.only("starts_at")}
    if resource.room_id is not None:
        lessons = Q(pk__in=[])
        for start, end in slots:
            lessons |= Q(date=start.date(), starts_at__lt=end.time(), ends_at__gt=start.time())
        sessions = Session.objects.filter(lessons, room_id=resource.room_id).exclude(status=Session.Status.CANCELLED)
        days |= set(sessions.values_list("date", flat=True))
    return sorted(days)


def _changed(booker_id: int | None) -> None:
    """Refresh what shows the person's bookings (the dashboard widget) once the transaction commits."""
    transaction.on_commit(lambda: versions.bump(versions.Kind.BOOKINGS, booker_id))


def _resources_changed(establishment_id: int) -> None:
    """Refresh the cached list of resources of the establishment once the transaction is committed."""
    transaction.on_commit(lambda: versions.bump(versions.Kind.BOOKING_RESOURCES, establishment_id))


def _taken_error() -> ApplicationError:
    return ApplicationError(
        _("This slot was just booked by someone else: choose another time."), extra={"reason": "taken"}
    )


@transaction.atomic
def booking_create(
    *,
    scope: Scope,
    resource: Resource,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    purpose: str,
    until: datetime.date | None = None,
) -> list[Booking]:
    """Book ``resource`` once, or every week until ``until``: all the dates, or none.

    Raise :class:`ApplicationError` when the rules refuse it or when any date clashes with
    another booking or a lesson (``extra["dates"]`` lists the clashing days of a series).
    """
    _check_rules(scope=scope, resource=resource, starts_at=starts_at, ends_at=ends_at, until=until)
    assert scope.user_id is not None and scope.establishment_id is not None
    # The lock every booking of this resource takes first: requests for it run one after the other.
    locked = Resource.objects.select_for_update().select_related("kind").get(pk=resource.pk)
    slots = occurrences(starts_at, ends_at, until)
    clashes = clashing_dates(locked, slots)
    if clashes and until is None:
        raise ApplicationError(
            _("This slot is already taken (by a lesson or another booking): choose another time."),
            extra={"reason": "clash", "dates": clashes},
        )
    if clashes:
        raise ApplicationError(
            _("Nothing was booked: these dates are already taken: %(dates)s.")
            % {"dates": ", ".join(_day_label(day) for day in clashes)},
            extra={"reason": "clash", "dates": clashes},
        )
    pending = locked.rules.needs_validation and not access.manages_resource(scope, locked)
    series = None
    if until is not None:
        series = BookingSeries.objects.create(
            establishment_id=scope.establishment_id, resource=locked, booker_id=scope.user_id, until=until
        )
    rows = [
        Booking(
            establishment_id=scope.establishment_id,
            resource=locked,
            booker_id=scope.user_id,
            series=series,
            purpose=purpose.strip(),
            starts_at=start,
            ends_at=end,
            status=Booking.Status.PENDING if pending else Booking.Status.CONFIRMED,
        )
        for start, end in slots
    ]
    try:
        with transaction.atomic():
            created = Booking.objects.bulk_create(rows)
    except IntegrityError as error:  # the exclusion constraint: a row slipped past the lock
        raise _taken_error() from error
    _changed(scope.user_id)
    if pending:
        first = created[0]
        transaction.on_commit(lambda: _tell_managers(scope=scope, resource=locked, booking=first))
    return created


def _params(booking: Booking, resource: Resource) -> dict[str, Any]:
    start = _local(booking.starts_at)
    return {
        "resource": resource.name,
        "date": start.date().isoformat(),
        "time": start.time().replace(second=0, microsecond=0).isoformat(),
    }


def _tell_managers(*, scope: Scope, resource: Resource, booking: Booking) -> None:
    """Tell the resource's named managers that a booking awaits them (the others read the queue)."""
    from romsie.identity.models import User

    managers = list(resource.managers.values_list("pk", flat=True))
    if not managers:
        return
    booker = User.objects.filter(pk=booking.booker_id).first()
    notify(
        "booking.to_validate",
        managers,
        params={**_params(booking, resource), "booker": booker.get_full_name() if booker else ""},
        url=reverse("booking:queue"),
        establishment_id=scope.establishment_id,
        actor_id=scope.user_id,
    )


def decision_params(params: dict[str, Any]) -> dict[str, Any]:
    """Word the stored params of a booking notification in the reader's language."""
    decision = params.get("decision", "")
    reason = params.get("reason", "")
    return {
        **params,
        "when": local_date_time(params["date"], params["time"]) if params.get("date") else "",
        "decision": _("validated") if decision == "validated" else _("refused"),
        "reason": (_("Reason: %(reason)s") % {"reason": reason}) if reason else "",
    }


@transaction.atomic
def booking_cancel(*, scope: Scope, booking: Booking, whole_series: bool = False) -> int:
    """Cancel the person's booking (and, if asked, the series' later ones); return how many were cancelled."""
    if booking.booker_id != scope.user_id:
        raise ApplicationError(_("Only the person who booked may cancel."))
    bookings = Booking.objects.filter(pk=booking.pk)
    if whole_series and booking.series_id is not None:
        bookings = Booking.objects.filter(series_id=booking.series_id, starts_at__gte=booking.starts_at)
    count = bookings.filter(status__in=Booking.ACTIVE, booker_id=scope.user_id).update(status=Booking.Status.CANCELLED)
    if not count:
        raise ApplicationError(_("This booking is no longer active."))
    _changed(booking.booker_id)
    return count


@transaction.atomic
def booking_decide(*, scope: Scope, booking: Booking, validate: bool, reason: str = "") -> int:
    """Validate or refuse a pending booking (with the rest of its series still pending); tell the booker.

    A refusal needs a reason. Two managers deciding at once: the first wins, the second is told.
    """
    reason = reason.strip()
    if not validate and not reason:
        raise ApplicationError(_("Give the reason for the refusal."), extra={"reason": "no_reason"})
    bookings = Booking.objects.filter(pk=booking.pk)
    if booking.series_id is not None:
        bookings = Booking.objects.filter(series_id=booking.series_id)
    count = bookings.filter(status=Booking.Status.PENDING).update(
        status=Booking.Status.CONFIRMED if validate else Booking.Status.REFUSED,
        decided_by_id=scope.user_id,
        decided_at=timezone.now(),
        refusal_reason="" if validate else reason,
    )
    if not count:
        raise ApplicationError(_("This booking was already decided."), extra={"reason": "decided"})
    _changed(booking.booker_id)
    audit_record(
        scope=scope, action="booking.validate" if validate else "booking.refuse", target=booking, reason=reason
    )
    params = {**_params(booking, booking.resource), "decision": "validated" if validate else "refused"}
    if reason:
        params["reason"] = reason
    transaction.on_commit(
        lambda: notify(
            "booking.decided",
            [booking.booker_id],
            params=params,
            url=reverse("booking:mine"),
            establishment_id=scope.establishment_id,
            actor_id=scope.user_id,
        )
    )
    return count


@transaction.atomic
def kind_save(
    *,
    scope: Scope,
    kind: ResourceKind | None,
    version: int | None,
    name: str,
    profiles: Iterable[str],
    max_days_ahead: int,
    max_minutes: int,
    needs_validation: bool,
) -> ResourceKind:
    """Create or edit a kind of resource and its default rules (a stale edit is refused)."""
    if kind is None:
        kind = ResourceKind(establishment_id=scope.establishment_id)
    else:
        claim_version(kind, version)
    if ResourceKind.objects.filter(establishment_id=scope.establishment_id, name=name).exclude(pk=kind.pk).exists():
        raise ApplicationError(_("Another kind of resource has this name."))
    kind.name = name
    kind.profiles = sorted(profiles)
    kind.max_days_ahead = max_days_ahead
    kind.max_minutes = max_minutes
    kind.needs_validation = needs_validation
    kind.save()
    _resources_changed(kind.establishment_id)
    return kind


@transaction.atomic
def resource_save(*, scope: Scope, resource: Resource | None, version: int | None, **fields: Any) -> Resource:
    """Create or edit a resource: its kind, room, rules overriding the kind's, managers (a stale edit is refused)."""
    tokens = fields.pop("managers", None)
    if resource is None:
        resource = Resource(establishment_id=scope.establishment_id)
    else:
        claim_version(resource, version)
    name = fields["name"]
    if Resource.objects.filter(establishment_id=scope.establishment_id, name=name).exclude(pk=resource.pk).exists():
        raise ApplicationError(_("Another resource has this name."))
    for field, value in fields.items():
        setattr(resource, field, value)
    if resource.profiles is not None:
        resource.profiles = sorted(resource.profiles)
    resource.save()
    if tokens is not None:  # checked again: only the establishment's teachers and staff
        resource.managers.set(access.manager_candidates(scope).filter(pk__in=person_ids(tokens)))
    _resources_changed(resource.establishment_id)
    return resource
