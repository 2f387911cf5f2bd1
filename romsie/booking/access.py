"""Who sees and who books which resources, and who decides on bookings.

* Everything is within the current establishment: another establishment's resource, kind or
  booking answers 404.
* Holders of ``booking.book`` (teachers and staff by default) see the active resources and
  their days and weeks. They may book a resource when one of their profiles is among the
  resource's rules' profiles; the rules also bound how far ahead and how long.
* What a week shows of a booking depends on who looks: teachers and staff read the booker's
  name and purpose; anyone else (a partner, a student allowed to book) reads only "busy".
  Lessons of the timetable in a resource's room show as "lesson", never their class or teacher.
* A booker sees and cancels their own bookings only.
* Holders of ``booking.manage`` (head and digital lead by default) manage kinds and resources
  (inactive ones included), and validate or refuse every pending booking; a resource's named
  managers validate or refuse the bookings of that resource.
"""

from __future__ import annotations

from django.db.models import QuerySet

from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.identity.models import Role, RoleAssignment, User

from .habilitations import BookingHabilitation
from .models import Booking, Resource, ResourceKind


def visible_resources(scope: Scope) -> QuerySet[Resource]:
    """Resources the person may see: the active ones, and every one for a manager."""
    if scope.establishment_id is None:
        return Resource.objects.none()
    resources = Resource.objects.filter(establishment_id=scope.establishment_id).select_related("kind")
    if scope.has(BookingHabilitation.MANAGE):
        return resources
    if not scope.has(BookingHabilitation.BOOK):
        return Resource.objects.none()
    return resources.filter(is_active=True)


def get_resource(scope: Scope, pk: int) -> Resource:
    """Return a resource the person may see, or raise 404."""
    return first_or_404(visible_resources(scope).filter(pk=pk))


def visible_kinds(scope: Scope) -> QuerySet[ResourceKind]:
    """Kinds of resource, for those who manage them."""
    if scope.establishment_id is None or not scope.has(BookingHabilitation.MANAGE):
        return ResourceKind.objects.none()
    return ResourceKind.objects.filter(establishment_id=scope.establishment_id)


def get_kind(scope: Scope, pk: int) -> ResourceKind:
    """Return a kind of resource the person manages, or raise 404."""
    return first_or_404(visible_kinds(scope).filter(pk=pk))


def can_book(scope: Scope, resource: Resource) -> bool:
    """Whether the rules of the resource let the person book it (one of their profiles is named)."""
    return (
        scope.has(BookingHabilitation.BOOK)
        and resource.is_active
        and resource.establishment_id == scope.establishment_id
        and bool(scope.profiles & resource.rules.profiles)
    )


def sees_booking_details(scope: Scope) -> bool:
    """Whether the person reads who booked and why (teachers and staff), or only "busy"."""
    return scope.is_teacher or scope.has_staff_profile


def own_bookings(scope: Scope) -> QuerySet[Booking]:
    """The person's own bookings here."""
    if scope.establishment_id is None or scope.user_id is None or not scope.has(BookingHabilitation.BOOK):
        return Booking.objects.none()
    return Booking.objects.filter(establishment_id=scope.establishment_id, booker_id=scope.user_id)


def get_own_booking(scope: Scope, pk: int) -> Booking:
    """Return one of the person's bookings, or raise 404."""
    return first_or_404(own_bookings(scope).select_related("resource").filter(pk=pk))


def managed_bookings(scope: Scope) -> QuerySet[Booking]:
    """Bookings the person decides on: all of them for ``booking.manage``, else those of resources they manage."""
    if scope.establishment_id is None or scope.user_id is None:
        return Booking.objects.none()
    bookings = Booking.objects.filter(establishment_id=scope.establishment_id)
    if scope.has(BookingHabilitation.MANAGE):
        return bookings
    if not scope.has(BookingHabilitation.BOOK):
        return Booking.objects.none()
    return bookings.filter(resource__managers=scope.user_id)


def get_managed_booking(scope: Scope, pk: int) -> Booking:
    """Return a booking the person decides on, or raise 404."""
    return first_or_404(managed_bookings(scope).select_related("resource", "booker").filter(pk=pk))


def manages_resource(scope: Scope, resource: Resource) -> bool:
    """Whether the person validates the resource's bookings (one query for a named manager)."""
    if scope.has(BookingHabilitation.MANAGE) and resource.establishment_id == scope.establishment_id:
        return True
    return scope.user_id is not None and resource.managers.filter(pk=scope.user_id).exists()


def manages_any(scope: Scope) -> bool:
    """Whether the person has a validation queue (a manager, or a named manager of a resource)."""
    if scope.has(BookingHabilitation.MANAGE):
        return True
    return visible_resources(scope).filter(managers=scope.user_id).exists()


def manager_candidates(scope: Scope) -> QuerySet[User]:
    """The people a manager may name managers of a resource: the establishment's teachers and staff."""
    if scope.establishment_id is None or not scope.has(BookingHabilitation.MANAGE):
        return User.objects.none()
    holders = RoleAssignment.objects.filter(
        establishment_id=scope.establishment_id, role__in=[Role.TEACHER, Role.STAFF], is_active=True
    )
    return User.objects.filter(pk__in=holders.values("user_id"))
