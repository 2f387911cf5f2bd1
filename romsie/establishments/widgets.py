"""Dashboard contributions of the establishments app."""

from typing import Any

from romsie.core import registry, versions
from romsie.core.access.scope import ScopedRequest

from . import selectors
from .habilitations import EstablishmentHabilitation


def establishment_context(request: ScopedRequest) -> dict[str, Any] | None:
    scope = request.scope
    if scope.establishment is None:
        return None
    return {"establishment": selectors.establishment_for_scope(scope)}


def _stamp(request: ScopedRequest) -> tuple[int, ...]:
    establishment = request.scope.establishment
    return versions.stamp(
        versions.key(versions.Kind.ESTABLISHMENT, establishment.id if establishment else None),
        versions.key(versions.Kind.TERRITORY, establishment.territory_id if establishment else None),
    )


ESTABLISHMENT_WIDGET = registry.Widget(
    key="establishment",
    is_folded=True,
    template_name="establishments/_widget_establishment.html",
    get_context=establishment_context,
    order=20,
    service=None,
    habilitation=EstablishmentHabilitation.VIEW,
    cache_stamp=_stamp,
)
