"""Pages of the shared spaces: "my spaces" (one's own, one's classes', the team's)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest

from . import handouts, selectors_sharing
from .habilitations import DocumentsHabilitation as H

SERVICE = "documents"


@requires(H.USE, service=SERVICE)
def space_list(request: ScopedRequest) -> HttpResponse:
    """The spaces the person may open, with their right and the room used.

    The current establishment's class and team spaces are made here when missing (one query when
    none is).
    """
    scope = request.scope
    handouts.spaces_ensure_here(scope)
    return render(request, "documents/space_list.html", {"rows": selectors_sharing.my_spaces(scope)})
