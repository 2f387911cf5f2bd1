"""URL arguments of the administration's object URLs, for ``tests/test_permission_matrix.py``.

Each function takes the shared world and ``"own"`` (an object of establishment ``a``,
or of territory ``north``) or ``"other"`` (the same kind of object in establishment
``c``, of territory ``south``) and returns the URL's kwargs.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from romsie.core.testing.factories import TeachingGroupFactory
from romsie.core.testing.world import EstablishmentWorld, World
from romsie.identity.models import Guardianship, RoleAssignment, StaffFunction
from romsie.schooling.models import Period, TeachingGroup


def _side(world: World, which: str) -> EstablishmentWorld:
    return world.a if which == "own" else world.c


def _period(side: EstablishmentWorld) -> Period:
    period, _ = Period.objects.get_or_create(
        establishment=side.establishment,
        school_year=side.school_class.school_year,
        name="T1",
        defaults={"starts_on": datetime.date(2026, 9, 1), "ends_on": datetime.date(2026, 11, 30)},
    )
    return period


def _group(side: EstablishmentWorld) -> TeachingGroup:
    group: TeachingGroup = TeachingGroupFactory(establishment=side.establishment, name="Latin", code="LAT")
    return group


def _pk(get: Callable[[EstablishmentWorld], Any]) -> Callable[[World, str], dict[str, Any]]:
    return lambda world, which: {"pk": get(_side(world, which)).pk}


_STRUCTURE: dict[str, Callable[[EstablishmentWorld], Any]] = {
    "school-year": lambda s: s.school_class.school_year,
    "period": _period,
    "class": lambda s: s.school_class,
    "group": _group,
    "subject": lambda s: s.subject,
    "room": lambda s: s.room,
    "teaching": lambda s: s.teaching,
}

OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    **{
        f"administration:{entity}-{action}": _pk(get)
        for entity, get in _STRUCTURE.items()
        for action in ("update", "delete")
    },
    **{
        f"administration:{name}": _pk(lambda s: s.student)
        for name in (
            "person-detail",
            "role-create",
            "student-class-update",
            "guardianship-create",
            "person-deactivate",
            "person-reactivate",
            "person-code",
            "person-letter",
        )
    },
    "administration:role-delete": _pk(lambda s: RoleAssignment.objects.get(user=s.student)),
    "administration:guardianship-update": _pk(lambda s: Guardianship.objects.get(student=s.student)),
    "administration:guardianship-delete": _pk(lambda s: Guardianship.objects.get(student=s.student)),
    "administration:activation-detail": _pk(lambda s: s.school_class),
    **{
        f"administration:{name}": _pk(lambda s: s.establishment)
        for name in (
            "establishment-detail",
            "establishment-update",
            "establishment-deactivate",
            "establishment-reactivate",
            "establishment-admin-appoint",
            "establishment-admin-create",
        )
    },
    "administration:establishment-admin-delete": _pk(
        lambda s: RoleAssignment.objects.get(user=s.head, function=StaffFunction.HEAD)
    ),
    "administration:territory-ceiling-update": lambda world, which: {
        "pk": (world.north if which == "own" else world.south).pk
    },
}
