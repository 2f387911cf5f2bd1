"""The entry of school life: each person goes to their own page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect

from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest

from ..habilitations import AttendanceHabilitation as H

SERVICE = "attendance"

# Where each kind of person lands, in order: (habilitation or profile test, url name).
LANDINGS: list[tuple[str, str]] = [
    ("family", "attendance:record"),
    (H.MANAGE, "attendance:register"),
    (H.CALL_ROLL, "attendance:roll-call-list"),
]


@requires(H.VIEW, service=SERVICE)
def home(request: ScopedRequest) -> HttpResponse:
    """Send each person to their page: the child's record, today's roll calls, or the day's register."""
    scope = request.scope
    for test, url_name in LANDINGS:
        if (test == "family" and (scope.is_student or scope.is_parent)) or scope.has(test):
            return redirect(url_name)
    raise PermissionDenied
