"""The administration hub: one entry per area the person may manage."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest
from romsie.establishments.habilitations import EstablishmentHabilitation

from ..areas import areas_for


@requires(EstablishmentHabilitation.ADMINISTER)
def home(request: ScopedRequest) -> HttpResponse:
    """List the areas of the establishment the person may manage."""
    scope = request.scope
    return render(
        request,
        "administration/home.html",
        {"areas": areas_for(scope), "territory_admin": bool(scope.territory_ids)},
    )
