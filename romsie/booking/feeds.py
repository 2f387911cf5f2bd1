"""The person's bookings in their calendar feed (``romsie.timetable.registry.register_feed_source``)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from romsie.core.access.scope import Scope
from romsie.timetable.registry import FeedEvent

from . import access
from .models import Booking

FEED_PAST_DAYS = 60


def feed_source(scope: Scope) -> Iterable[FeedEvent]:
    """The feed owner's active bookings here, from two months ago on (one query).

    UIDs are ``booking-<pk>``: stable across requests; a pending booking says so in its summary.
    """
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    rows = (
        access.own_bookings(scope)
        .filter(status__in=Booking.ACTIVE, starts_at__gte=since)
        .select_related("resource")
        .order_by("starts_at", "pk")
    )
    for booking in rows:
        summary = f"{booking.resource.name}: {booking.purpose}"
        if booking.status == Booking.Status.PENDING:
            summary = f"{summary} ({booking.get_status_display()})"
        yield FeedEvent(
            uid=f"booking-{booking.pk}",
            summary=summary,
            starts=booking.starts_at,
            ends=booking.ends_at,
            location=booking.resource.name,
        )
