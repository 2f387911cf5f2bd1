"""Dashboard contributions of the administration: the territory area and the areas of staff.

The services menu shows only what a habilitation in the current establishment allows,
and a territory admin may hold no role in any establishment: the territory area is
therefore reached from a dashboard widget, shown to territory admins only. Staff who
manage one area (printing letters, say) without administering the establishment get
their links the same way, since the hub needs ``establishments.administer``.
"""

from __future__ import annotations

from typing import Any

from romsie.core import registry
from romsie.core.access.scope import ScopedRequest
from romsie.establishments.habilitations import EstablishmentHabilitation

from .areas import areas_for


def territory_context(request: ScopedRequest) -> dict[str, Any] | None:
    scope = request.scope
    if not scope.territory_ids:
        return None
    return {}


def areas_context(request: ScopedRequest) -> dict[str, Any] | None:
    scope = request.scope
    if scope.has(EstablishmentHabilitation.ADMINISTER):
        return None  # the hub is in their menu
    areas = areas_for(scope)
    return {"areas": areas} if areas else None


TERRITORY_WIDGET = registry.Widget(
    key="territory-admin",
    template_name="administration/_widget_territory.html",
    get_context=territory_context,
    service=None,  # territory admins may hold no role in any establishment
    habilitation=None,
    order=15,
)

AREAS_WIDGET = registry.Widget(
    key="administration-areas",
    is_folded=True,
    template_name="administration/_widget_areas.html",
    get_context=areas_context,
    service="administration",
    habilitation=None,  # each area checks its own habilitation (areas_for)
    order=16,
)
