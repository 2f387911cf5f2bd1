"""Administration of an establishment by its head and digital lead, and of a territory."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from romsie.core.access.declarations import requires
from romsie.establishments.habilitations import EstablishmentHabilitation


@requires(EstablishmentHabilitation.ADMINISTER)
def home(request: HttpRequest) -> HttpResponse:
    """The administration hub: one entry per area the person may manage."""
    return render(request, "administration/home.html")
