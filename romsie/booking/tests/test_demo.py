"""The demo content: resources per kind of school and a few bookings this week, none clashing."""

from __future__ import annotations

from romsie.booking import demo, services
from romsie.booking.models import Booking, BookingSeries, Resource


def test_demo_gives_secondary_schools_rooms_and_carts_and_primary_schools_a_cart(booking_world):
    w = booking_world
    rows = demo.populate([w.a.establishment.pk, w.b.establishment.pk], seed=1)
    college = set(Resource.objects.filter(establishment=w.a.establishment).values_list("name", flat=True))
    assert college == {
        "Salle informatique",
        "Chariot de tablettes",
        "Chariot d'ordinateurs portables",
        "Salle de réunion",
    }
    assert list(Resource.objects.filter(establishment=w.b.establishment).values_list("name", flat=True)) == [
        "Chariot de tablettes"
    ]
    assert Resource.objects.get(establishment=w.a.establishment, name="Salle informatique").room == w.a.room
    assert BookingSeries.objects.get().bookings.count() == 7
    assert Booking.objects.filter(status=Booking.Status.PENDING).count() == 1
    assert rows == Resource.objects.count() + Booking.objects.count() + 1 + 4
    for resource in Resource.objects.all():
        for booking in Booking.objects.filter(resource=resource):
            slot = [(booking.starts_at, booking.ends_at)]
            assert services.clashing_dates(resource, slot, exclude_pk=booking.pk) == []
    assert not Resource.objects.filter(establishment=w.c.establishment).exists()
