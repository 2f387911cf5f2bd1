"""Dashboard contributions of the establishments app."""

from typing import Any

from django.http import HttpRequest

from romsie.core import registry, versions

from . import selectors
from .habilitations import EstablishmentHabilitation


def establishment_context(request: HttpRequest) -> dict[str, Any] | None:
    scope = request.scope  # type: ignore[attr-defined]
    if scope.establishment is None:
        return None
    return {"establishment": selectors.establishment_for_scope(scope)}


ESTABLISHMENT_WIDGET = registry.Widget(
    key="establishment",
    template_name="establishments/_widget_establishment.html",
    get_context=establishment_context,
    order=20,
    service=None,
    habilitation=EstablishmentHabilitation.VIEW,
    cache_stamp=lambda request: versions.stamp(
        versions.key("establishment", request.scope.establishment_id),  # type: ignore[attr-defined]
        versions.key("territory", request.scope.establishment.territory_id),  # type: ignore[attr-defined]
    ),
)
