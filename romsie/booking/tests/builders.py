"""Booking objects for tests: kinds with their rules, resources, bookings."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from romsie.booking.models import Booking, Resource, ResourceKind
from romsie.core.access.profiles import Profile
from romsie.core.testing.world import EstablishmentWorld
from romsie.identity.models import User

SERVICES = ["directory", "timetable", "booking"]
TEACHERS_AND_STAFF = sorted({Profile.TEACHER, Profile.STAFF_HEAD, Profile.STAFF_DIGITAL_LEAD, Profile.STAFF_OFFICE})


def enable(*worlds: EstablishmentWorld) -> None:
    """Switch the booking (and timetable) services on in these establishments."""
    for ew in worlds:
        ew.establishment.enabled_services = SERVICES
        ew.establishment.save(update_fields=["enabled_services"])


def a_day(weeks: int = 1) -> datetime.date:
    """A Monday ``weeks`` weeks ahead: always in the future, whatever the time of day."""
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=weeks)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def kind_for(ew: EstablishmentWorld, name: str = "Salle informatique", **rules: Any) -> ResourceKind:
    rules.setdefault("profiles", TEACHERS_AND_STAFF)
    return ResourceKind.objects.create(establishment=ew.establishment, name=name, **rules)


def resource_for(
    ew: EstablishmentWorld, *, kind: ResourceKind | None = None, name: str = "Salle info 1", **fields: Any
) -> Resource:
    kind = kind or kind_for(ew)
    return Resource.objects.create(establishment=ew.establishment, kind=kind, name=name, **fields)


def booking_for(
    resource: Resource,
    booker: User,
    starts_at: datetime.datetime,
    minutes: int = 60,
    *,
    status: str = Booking.Status.CONFIRMED,
    purpose: str = "4e B, recherches",
) -> Booking:
    return Booking.objects.create(
        establishment_id=resource.establishment_id,
        resource=resource,
        booker=booker,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        status=status,
        purpose=purpose,
    )


def objects(ew: EstablishmentWorld) -> dict[str, Any]:
    """One of each object in an establishment (made once per establishment and test)."""
    existing = Resource.objects.filter(establishment=ew.establishment, name="Salle info 1").first()
    if existing is None:
        existing = resource_for(ew, kind=kind_for(ew, needs_validation=True))
        booking_for(existing, ew.teacher, at(a_day(), 10), status=Booking.Status.PENDING)
    return {
        "resource": existing,
        "kind": existing.kind,
        "booking": Booking.objects.filter(resource=existing).first(),
    }
