"""The entry of marks and report cards: each person goes to their own page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect

from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest
from romsie.establishments.models import Establishment

from ..habilitations import AssessmentHabilitation as H

SERVICE = "assessment"

# Where each kind of person lands, in order: (habilitation or "family", url name).
LANDINGS: list[tuple[str, str]] = [
    ("family", "assessment:my-marks"),
    (H.GRADE, "assessment:assessment-list"),
    (H.COUNCIL, "assessment:class-list"),
    (H.MANAGE, "assessment:class-list"),
]


@requires(H.VIEW, service=SERVICE)
def home(request: ScopedRequest) -> HttpResponse:
    """Send each person to their page: the child's marks, one's assessments, or the classes."""
    scope = request.scope
    if scope.establishment is not None and scope.establishment.kind in Establishment.PRIMARY_KINDS:
        # Primary schools evaluate without marks: competencies are their whole assessment.
        if scope.is_student or scope.is_parent:
            return redirect("assessment:my-competencies")
        if scope.has(H.GRADE):
            return redirect("assessment:competency-list")
    for test, url_name in LANDINGS:
        if (test == "family" and (scope.is_student or scope.is_parent)) or (test != "family" and scope.has(test)):
            return redirect(url_name)
    raise PermissionDenied
