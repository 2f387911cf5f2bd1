"""Dashboard contribution of bookings: the person's next bookings.

Cached for a minute per person against the ``bookings`` version of the person (bumped when they
book or cancel, and when a manager decides on their booking) and the current hour, since a
booking leaves the list when it ends.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from romsie.core import registry, versions
from romsie.core.access.scope import ScopedRequest

from . import selectors
from .habilitations import BookingHabilitation

SERVICE = "booking"


def next_context(request: ScopedRequest) -> dict[str, Any] | None:
    scope = request.scope
    if SERVICE not in scope.services or not (scope.is_teacher or scope.has_staff_profile):
        return None
    return {"bookings": selectors.widget_bookings(scope)}


def next_stamp(request: ScopedRequest) -> tuple[Any, ...]:
    scope = request.scope
    now = timezone.localtime()
    return (
        SERVICE in scope.services,
        now.date(),
        now.hour,
        *versions.stamp(versions.key(versions.Kind.BOOKINGS, scope.user_id)),
    )


NEXT_WIDGET = registry.Widget(
    key="booking-next",
    template_name="booking/_widget_next.html",
    get_context=next_context,
    order=40,
    service=SERVICE,
    habilitation=BookingHabilitation.BOOK,
    css=("booking/booking.css",),
    cache_stamp=next_stamp,
)
