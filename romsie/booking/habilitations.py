"""Rights of resource booking: who books, who manages resources and validates bookings."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import STAFF, STAFF_AND_TEACHERS, Profile


class BookingHabilitation(StrEnum):
    BOOK = "booking.book"
    MANAGE = "booking.manage"


SPECS = [
    HabilitationSpec(
        BookingHabilitation.BOOK,
        _("See the resources and book them (within each resource's rules)"),
        frozenset(STAFF_AND_TEACHERS),
        adjustable=frozenset({Profile.PARTNER, Profile.STUDENT}),
    ),
    HabilitationSpec(
        BookingHabilitation.MANAGE,
        _("Manage bookable resources and their rules, validate and refuse bookings"),
        frozenset({Profile.STAFF_HEAD, Profile.STAFF_DIGITAL_LEAD}),
        adjustable=STAFF - {Profile.STAFF_HEAD, Profile.STAFF_DIGITAL_LEAD},
    ),
]
