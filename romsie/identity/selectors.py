"""Reads of the identity app."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Guardianship, Role, StaffFunction, User

BY_NAME = (Lower("search_name"), "pk")
"""The order of a list of people (see ``by_name``): ``qs.order_by(*BY_NAME)``."""


def by_name(people: QuerySet[User]) -> QuerySet[User]:
    """Order people by name ("last first", accents folded), then id: the one way to sort a list of people.

    Sorted on ``Lower(search_name)``, the same order as the column (already lower case), on
    purpose: with ``ORDER BY search_name LIMIT 25`` PostgreSQL walks the name index of every
    account of the territory (300,000 at a région's size) and tests each one against the
    establishment's members, 270 ms for a teacher's directory. An establishment's people are a
    few thousand at most: gathering them, then sorting, takes a few milliseconds.
    """
    return people.order_by(*BY_NAME)


def person_pending_activation(user_id: int) -> User | None:
    """Return the active person whose activation is under way, or None."""
    return User.objects.filter(pk=user_id, is_active=True).first()


def guardian_ids_receiving_mail(
    *, establishment_id: int | None, students: QuerySet[Any, Any] | Iterable[int]
) -> QuerySet[Guardianship, int]:
    """Return the ids of the guardians of these students who receive school mail.

    Every fan-out to guardians (class-wide messages, news, homework and timetable
    notifications) goes through this one read, so ``Guardianship.receives_mail`` is honoured
    everywhere. ``students`` may be ids or a subquery of ids; the result is a subquery too.
    A guardian is kept when at least one of their links to these students receives mail.
    Messages written to the guardian in person are not fan-outs and ignore the flag.
    """
    return Guardianship.objects.filter(
        establishment_id=establishment_id, student_id__in=students, receives_mail=True
    ).values_list("guardian_id", flat=True)


# Second factor (docs/second-factor.md)

SECOND_FACTOR_ROLES = (Role.TEACHER, Role.STAFF)


def totp_device(user: User) -> TOTPDevice | None:
    """Return the person's confirmed authenticator app, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user).count())


def second_factor_offered(user: User) -> bool:
    """Tell whether the person may set up a second factor: staff, teachers, territory admins, operators.

    Students and parents are not offered one (see docs/second-factor.md).
    """
    if user.is_superuser or user.is_staff:
        return True
    grown_up_role = Q(role_assignments__role__in=SECOND_FACTOR_ROLES, role_assignments__is_active=True)
    return User.objects.filter(Q(pk=user.pk) & (grown_up_role | Q(territory_admin_roles__isnull=False))).exists()


def second_factor_required(user: User) -> bool:
    """Tell whether the person must use a second factor: heads, digital leads and territory admins.

    Only while the setting ``ROMSIE_SECOND_FACTOR_REQUIRED`` is on (production's default).
    """
    if not settings.ROMSIE_SECOND_FACTOR_REQUIRED:
        return False
    admin_role = Q(
        role_assignments__role=Role.STAFF,
        role_assignments__function__in=(StaffFunction.HEAD, StaffFunction.DIGITAL_LEAD),
        role_assignments__is_active=True,
    )
    return User.objects.filter(Q(pk=user.pk) & (admin_role | Q(territory_admin_roles__isnull=False))).exists()


def person_pending_second_factor(user_id: int, epoch: int) -> User | None:
    """Return the active person whose sign-in waits for the second step, while their epoch holds."""
    return User.objects.filter(pk=user_id, is_active=True, session_epoch=epoch).first()
