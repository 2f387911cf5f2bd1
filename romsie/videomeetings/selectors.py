"""Reads of the video meetings, starting from ``access``."""

from __future__ import annotations

import datetime

from django.utils import timezone

from romsie.core.access.scope import Scope

from . import access
from .models import VideoMeeting

#: a meeting stays in "coming" this long after its start (it may still be running)
STILL_RUNNING = datetime.timedelta(hours=3)
MAX_LISTED = 100


def meeting_list_for_person(scope: Scope) -> list[VideoMeeting]:
    """The person's coming meetings (organised or invited to), soonest first, at most 100."""
    since = timezone.now() - STILL_RUNNING
    meetings = (
        access.visible_meetings(scope)
        .filter(starts_at__gte=since)
        .select_related("organiser", "school_class", "community")
        .order_by("starts_at", "pk")
    )
    return list(meetings[:MAX_LISTED])


def has_server(scope: Scope) -> bool:
    """Whether the territory of the current establishment configured its video-conference server."""
    return access.server_of(scope.establishment_id) is not None
