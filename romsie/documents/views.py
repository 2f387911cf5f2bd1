"""Pages of the documents service: "My documents", folders, files, versions, the trash."""

from __future__ import annotations

from django.http import HttpResponse

from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest

from . import selectors
from .habilitations import DocumentsHabilitation

SERVICE = "documents"


@requires(DocumentsHabilitation.USE, service=SERVICE)
def home(request: ScopedRequest) -> HttpResponse:
    """The person's personal space: its top folder."""
    space = selectors.personal_space(request.scope)
    return HttpResponse(space.name)
