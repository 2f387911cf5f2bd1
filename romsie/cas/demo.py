"""Demo CAS service: the library catalogue of the showcase territories, signed in through the ENT.

Each territory of the given establishments registers ``https://cdi.example.test/`` (a made-up
library catalogue) receiving the join key, names, UAI, profiles and classes. Idempotent, one row
per territory.
"""

from __future__ import annotations

from collections.abc import Iterable

from romsie.establishments.models import Establishment

from .models import CasService

DEMO_NAME = "CDI — catalogue de la bibliothèque"
DEMO_PREFIX = "https://cdi.example.test/"
DEMO_ATTRIBUTES = [
    "ENTPersonJointure",
    "uid",
    "sn",
    "givenName",
    "ENTStructureUAI",
    "ENTPersonProfils",
    "ENTPersonClasses",
]


def populate(establishment_ids: Iterable[int]) -> int:
    """Register the demo library catalogue in the territories of these establishments; return the rows created."""
    territories = set(
        Establishment.objects.filter(pk__in=list(establishment_ids)).values_list("territory_id", flat=True)
    )
    registered = set(CasService.objects.filter(name=DEMO_NAME).values_list("territory_id", flat=True))
    services = [
        CasService(
            territory_id=territory_id,
            name=DEMO_NAME,
            match=CasService.Match.PREFIX,
            pattern=DEMO_PREFIX,
            attributes=DEMO_ATTRIBUTES,
            single_logout=True,
        )
        for territory_id in sorted(territories - registered)
    ]
    return len(CasService.objects.bulk_create(services))
