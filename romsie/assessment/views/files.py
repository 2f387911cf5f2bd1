"""Report cards as files: a download for the class's staff, and for the family once published."""

from __future__ import annotations

from django.http import FileResponse, Http404

from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest
from romsie.core.uploads import download_response

from .. import access
from ..habilitations import AssessmentHabilitation as H

SERVICE = "assessment"


@requires(H.VIEW, service=SERVICE)
def report_card_file(request: ScopedRequest, pk: int) -> FileResponse:
    """A report card's PDF, as a download."""
    card = access.get_report_card(request.scope, pk)
    if not card.file:
        raise Http404
    return download_response(card.file, card.name, card.content_type)
