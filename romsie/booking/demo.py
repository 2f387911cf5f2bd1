"""Demo content of resource booking, written over the timetable's demo.

In each secondary school: a computer room (the timetable's first room, so its lessons show as
busy), two mobile class carts (tablets, laptops) and a meeting room whose bookings a manager
validates, with a few bookings this week (one every week until the holidays, one awaiting
validation). In each primary school: a tablet cart with one booking. Rows are written in bulk,
a bounded number per establishment; deterministic for a given seed.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable

from django.utils import timezone

from romsie.core.access.profiles import STAFF, Profile
from romsie.establishments.models import Establishment
from romsie.identity.models import Role, RoleAssignment
from romsie.schooling.models import Room

from .models import Booking, BookingSeries, Resource, ResourceKind

TEACHERS_AND_STAFF = sorted(STAFF | {Profile.TEACHER})
PURPOSES = ["Recherches documentaires", "Exposés", "Travail en groupes", "Évaluation en ligne", "Atelier de code"]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def populate(establishment_ids: Iterable[int], *, seed: int = 2026, today: datetime.date | None = None) -> int:
    """Write the demo resources and bookings of the establishments; return the number of rows created."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    establishments = list(Establishment.objects.filter(pk__in=list(establishment_ids)).order_by("pk"))
    teachers: dict[int, list[int]] = {}
    for establishment_id, user_id in (
        RoleAssignment.objects.filter(establishment__in=establishments, role=Role.TEACHER, is_active=True)
        .order_by("establishment_id", "user_id")
        .values_list("establishment_id", "user_id")
    ):
        teachers.setdefault(establishment_id, []).append(user_id)
    first_room: dict[int, Room] = {}
    for room in Room.objects.filter(establishment__in=establishments).order_by("establishment_id", "name"):
        first_room.setdefault(room.establishment_id, room)

    kinds: list[ResourceKind] = []
    resources: list[
        tuple[Resource, list[tuple[int, int, int, int, str]]]
    ] = []  # (weekday, hour, minute, minutes, status)
    for establishment in establishments:
        primary = establishment.kind in Establishment.PRIMARY_KINDS
        cart = ResourceKind(establishment=establishment, name="Chariot mobile", profiles=TEACHERS_AND_STAFF)
        kinds.append(cart)
        if primary:
            tablets = Resource(
                establishment=establishment,
                kind=cart,
                name="Chariot de tablettes",
                capacity=16,
                description="16 tablettes",
            )
            resources.append((tablets, [(1, 14, 0, 60, "confirmed")]))
            continue
        computer = ResourceKind(
            establishment=establishment, name="Salle informatique", profiles=TEACHERS_AND_STAFF, max_days_ahead=30
        )
        meeting = ResourceKind(
            establishment=establishment, name="Salle de réunion", profiles=TEACHERS_AND_STAFF, needs_validation=True
        )
        kinds += [computer, meeting]
        resources += [
            (Resource(establishment=establishment, kind=computer, name="Salle informatique",
                      room=first_room.get(establishment.pk), capacity=30, description="30 postes, vidéoprojecteur"),
             [(1, 12, 25, 55, "confirmed")]),
            (Resource(establishment=establishment, kind=cart, name="Chariot de tablettes", capacity=30,
                      description="30 tablettes"), [(0, 10, 30, 55, "weekly"), (3, 14, 25, 55, "confirmed")]),
            (Resource(establishment=establishment, kind=cart, name="Chariot d'ordinateurs portables", capacity=24,
                      description="24 portables"), [(2, 9, 25, 55, "confirmed")]),
            (Resource(establishment=establishment, kind=meeting, name="Salle de réunion", capacity=12),
             [(4, 17, 0, 60, "pending")]),
        ]  # fmt: skip
    ResourceKind.objects.bulk_create(kinds)
    for resource, _plans in resources:
        resource.kind_id = resource.kind.pk
    Resource.objects.bulk_create([resource for resource, _plans in resources])

    until = monday + datetime.timedelta(weeks=6)
    series: list[BookingSeries] = []
    bookings: list[Booking] = []
    for resource, plans in resources:
        people = teachers.get(resource.establishment_id) or []
        if not people:
            continue
        for weekday, hour, minute, minutes, status in plans:
            booker = rng.choice(people)
            day = monday + datetime.timedelta(days=weekday)
            weeks = 1
            row_series = None
            if status == "weekly":
                row_series = BookingSeries(
                    establishment_id=resource.establishment_id, resource=resource, booker_id=booker, until=until
                )
                series.append(row_series)
                weeks = 7
            for week in range(weeks):
                start = _at(day + datetime.timedelta(weeks=week), hour, minute)
                bookings.append(
                    Booking(
                        establishment_id=resource.establishment_id,
                        resource=resource,
                        booker_id=booker,
                        series=row_series,
                        purpose=rng.choice(PURPOSES),
                        starts_at=start,
                        ends_at=start + datetime.timedelta(minutes=minutes),
                        status=Booking.Status.PENDING if status == "pending" else Booking.Status.CONFIRMED,
                    )
                )
    BookingSeries.objects.bulk_create(series)
    for booking in bookings:
        booking.series_id = booking.series.pk if booking.series else None
    Booking.objects.bulk_create(bookings)
    return len(kinds) + len(resources) + len(series) + len(bookings)
