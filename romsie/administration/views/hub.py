"""The administration hub: one entry per area the person may manage."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from romsie.core.access.declarations import requires
from romsie.establishments.habilitations import EstablishmentHabilitation

from ..areas import areas_for
from .base import scope_of


@requires(EstablishmentHabilitation.ADMINISTER)
def home(request: HttpRequest) -> HttpResponse:
    """List the areas of the establishment the person may manage."""
    scope = scope_of(request)
    return render(
        request,
        "administration/home.html",
        {"areas": areas_for(scope), "territory_admin": bool(scope.territory_ids)},
    )
