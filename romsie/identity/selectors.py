"""Reads of the identity app."""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from .models import Guardianship, User


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
