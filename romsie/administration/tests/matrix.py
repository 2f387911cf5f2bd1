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

# url name                                  object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
administration:home                -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:school-year-list             -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:school-year-create           -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:school-year-update           own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:school-year-update           other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:school-year-delete           own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:school-year-delete           other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:period-list                  -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:period-create                -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:period-update                own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:period-update                other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:period-delete                own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:period-delete                other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:class-list                   -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:class-create                 -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:class-update                 own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:class-update                 other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:class-delete                 own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:class-delete                 other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:group-list                   -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:group-create                 -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:group-update                 own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:group-update                 other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:group-delete                 own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:group-delete                 other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:subject-list                 -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:subject-create               -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:subject-update               own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:subject-update               other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:subject-delete               own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:subject-delete               other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:room-list                    -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:room-create                  -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:room-update                  own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:room-update                  other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:room-delete                  own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:room-delete                  other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:teaching-list                -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:teaching-create              -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:teaching-update              own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:teaching-update              other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:teaching-delete              own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:teaching-delete              other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:person-list                  -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:person-create                -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:person-detail                own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:person-detail                other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:role-create                  own    | 302  403  403  403  403  405  403  403  403  403  405  403
administration:role-create                  other  | 302  403  403  403  403  405  403  403  403  403  405  403
administration:student-class-update         own    | 302  403  403  403  403  405  403  403  403  403  405  403
administration:student-class-update         other  | 302  403  403  403  403  405  403  403  403  403  405  403
administration:role-delete                  own    | 302  403  403  403  403  405  403  403  403  403  405  403
administration:role-delete                  other  | 302  403  403  403  403  405  403  403  403  403  405  403
administration:guardianship-create          own    | 302  403  403  403  403  405  403  403  403  403  405  403
administration:guardianship-create          other  | 302  403  403  403  403  405  403  403  403  403  405  403
administration:guardianship-update          own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:guardianship-update          other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:guardianship-delete          own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:guardianship-delete          other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:person-deactivate            own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:person-deactivate            other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:person-sessions-end          own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:person-sessions-end          other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:person-second-factor-reset   own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:person-second-factor-reset   other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:person-reactivate            own    | 302  403  403  403  403  405  403  403  403  403  405  403
administration:person-reactivate            other  | 302  403  403  403  403  405  403  403  403  403  405  403
administration:person-code                  own    | 302  403  403  403  403  405  403  403  403  403  405  403
administration:person-code                  other  | 302  403  403  403  403  405  403  403  403  403  405  403
administration:person-letter                own    | 302  403  403  403  403  405  403  403  403  403  405  403
administration:person-letter                other  | 302  403  403  403  403  405  403  403  403  403  405  403
administration:letters                      -      | 302  403  403  403  403  200  403  403  200  403  200  403
administration:activation-list              -      | 302  403  403  403  403  200  403  403  200  403  200  403
administration:activation-detail            own    | 302  403  403  403  403  200  403  403  200  403  200  403
administration:activation-detail            other  | 302  403  403  403  403  404  403  403  404  403  404  403
administration:services-update              -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:habilitations-update         -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:territory-home               -      | 302  403  403  403  403  403  403  403  403  403  403  200
administration:establishment-create         -      | 302  403  403  403  403  403  403  403  403  403  403  200
administration:establishment-detail         own    | 302  403  403  403  403  403  403  403  403  403  403  200
administration:establishment-detail         other  | 302  403  403  403  403  403  403  403  403  403  403  404
administration:establishment-update         own    | 302  403  403  403  403  403  403  403  403  403  403  200
administration:establishment-update         other  | 302  403  403  403  403  403  403  403  403  403  403  404
administration:establishment-deactivate     own    | 302  403  403  403  403  403  403  403  403  403  403  200
administration:establishment-deactivate     other  | 302  403  403  403  403  403  403  403  403  403  403  404
administration:establishment-reactivate     own    | 302  403  403  403  403  403  403  403  403  403  403  405
administration:establishment-reactivate     other  | 302  403  403  403  403  403  403  403  403  403  403  405
administration:establishment-admin-appoint  own    | 302  403  403  403  403  403  403  403  403  403  403  405
administration:establishment-admin-appoint  other  | 302  403  403  403  403  403  403  403  403  403  403  405
administration:establishment-admin-create   own    | 302  403  403  403  403  403  403  403  403  403  403  405
administration:establishment-admin-create   other  | 302  403  403  403  403  403  403  403  403  403  403  405
administration:establishment-admin-delete   own    | 302  403  403  403  403  403  403  403  403  403  403  405
administration:establishment-admin-delete   other  | 302  403  403  403  403  403  403  403  403  403  403  405
administration:establishment-admin-sessions-end own | 302  403  403  403  403  403  403  403  403  403  403  200
administration:establishment-admin-sessions-end other | 302  403  403  403  403  403  403  403  403  403  403  404
administration:establishment-admin-factor-reset own | 302  403  403  403  403  403  403  403  403  403  403  200
administration:establishment-admin-factor-reset other | 302  403  403  403  403  403  403  403  403  403  403  404
administration:territory-ceiling-update     own    | 302  403  403  403  403  403  403  403  403  403  403  200
administration:territory-ceiling-update     other  | 302  403  403  403  403  403  403  403  403  403  403  404
"""

# url name                                  object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
administration:school-year-create           -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:school-year-update           own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:school-year-update           other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:school-year-delete           own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:school-year-delete           other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:period-create                -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:period-update                own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:period-update                other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:period-delete                own    | 302  403  403  403  403  302+ 403  403  403  403  302+ 403
administration:period-delete                other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:class-create                 -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:class-update                 own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:class-update                 other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:class-delete                 own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:class-delete                 other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:group-create                 -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:group-update                 own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:group-update                 other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:group-delete                 own    | 302  403  403  403  403  302+ 403  403  403  403  302+ 403
administration:group-delete                 other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:subject-create               -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:subject-update               own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:subject-update               other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:subject-delete               own    | 302  403  403  403  403  302+ 403  403  403  403  302+ 403
administration:subject-delete               other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:room-create                  -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:room-update                  own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:room-update                  other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:room-delete                  own    | 302  403  403  403  403  302+ 403  403  403  403  302+ 403
administration:room-delete                  other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:teaching-create              -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:teaching-update              own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:teaching-update              other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:teaching-delete              own    | 302  403  403  403  403  302+ 403  403  403  403  302+ 403
administration:teaching-delete              other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:person-create                -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:role-create                  own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:role-create                  other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:student-class-update         own    | 302  403  403  403  403  302+ 403  403  403  403  302+ 403
administration:student-class-update         other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:role-delete                  own    | 302  403  403  403  403  302+ 403  403  403  403  302+ 403
administration:role-delete                  other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:guardianship-create          own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:guardianship-create          other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:guardianship-update          own    | 302  403  403  403  403  200  403  403  403  403  200  403
administration:guardianship-update          other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:guardianship-delete          own    | 302  403  403  403  403  302+ 403  403  403  403  302+ 403
administration:guardianship-delete          other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:person-deactivate            own    | 302  403  403  403  403  302+ 403  403  403  403  302+ 403
administration:person-deactivate            other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:person-sessions-end          own    | 302  403  403  403  403  302+ 403  403  403  403  302+ 403
administration:person-sessions-end          other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:person-second-factor-reset   own    | 302  403  403  403  403  302+ 403  403  403  403  302+ 403
administration:person-second-factor-reset   other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:person-reactivate            own    | 302  403  403  403  403  302+ 403  403  403  403  302+ 403
administration:person-reactivate            other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:person-code                  own    | 302  403  403  403  403  200+ 403  403  403  403  200+ 403
administration:person-code                  other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:person-letter                own    | 302  403  403  403  403  200+ 403  403  403  403  200+ 403
administration:person-letter                other  | 302  403  403  403  403  404  403  403  403  403  404  403
administration:letters                      -      | 302  403  403  403  403  200  403  403  200  403  200  403
administration:services-update              -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:habilitations-update         -      | 302  403  403  403  403  200  403  403  403  403  200  403
administration:establishment-create         -      | 302  403  403  403  403  403  403  403  403  403  403  200
administration:establishment-update         own    | 302  403  403  403  403  403  403  403  403  403  403  200
administration:establishment-update         other  | 302  403  403  403  403  403  403  403  403  403  403  404
administration:establishment-deactivate     own    | 302  403  403  403  403  403  403  403  403  403  403  302+
administration:establishment-deactivate     other  | 302  403  403  403  403  403  403  403  403  403  403  404
administration:establishment-reactivate     own    | 302  403  403  403  403  403  403  403  403  403  403  302+
administration:establishment-reactivate     other  | 302  403  403  403  403  403  403  403  403  403  403  404
administration:establishment-admin-appoint  own    | 302  403  403  403  403  403  403  403  403  403  403  200
administration:establishment-admin-appoint  other  | 302  403  403  403  403  403  403  403  403  403  403  404
administration:establishment-admin-create   own    | 302  403  403  403  403  403  403  403  403  403  403  200
administration:establishment-admin-create   other  | 302  403  403  403  403  403  403  403  403  403  403  404
administration:establishment-admin-delete   own    | 302  403  403  403  403  403  403  403  403  403  403  302+
administration:establishment-admin-delete   other  | 302  403  403  403  403  403  403  403  403  403  403  404
administration:establishment-admin-sessions-end own | 302  403  403  403  403  403  403  403  403  403  403  302+
administration:establishment-admin-sessions-end other | 302  403  403  403  403  403  403  403  403  403  403  404
administration:establishment-admin-factor-reset own | 302  403  403  403  403  403  403  403  403  403  403  302+
administration:establishment-admin-factor-reset other | 302  403  403  403  403  403  403  403  403  403  403  404
administration:territory-ceiling-update     own    | 302  403  403  403  403  403  403  403  403  403  403  200
administration:territory-ceiling-update     other  | 302  403  403  403  403  403  403  403  403  403  403  404
"""


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
            "person-sessions-end",
            "person-second-factor-reset",
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
    **{
        f"administration:{name}": _pk(lambda s: RoleAssignment.objects.get(user=s.head, function=StaffFunction.HEAD))
        for name in (
            "establishment-admin-delete",
            "establishment-admin-sessions-end",
            "establishment-admin-factor-reset",
        )
    },
    "administration:territory-ceiling-update": lambda world, which: {
        "pk": (world.north if which == "own" else world.south).pk
    },
}
