"""Appointments in the calendar feed of their guardian and of their teacher."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core.access.scope import Scope
from romsie.timetable.registry import FeedEvent

from . import access

FEED_PAST_DAYS = 30


def feed_source(scope: Scope) -> Iterable[FeedEvent]:
    """The person's appointments (booked as a guardian, or received as a teacher): one query.

    UIDs are ``meeting-<pk>`` (the feed adds its domain). A cancelled appointment is deleted, so
    it leaves the feed at the next refresh.
    """
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    rows = (
        access.visible_appointments(scope)
        .filter(slot__starts_at__gte=since)
        .select_related("slot__room", "teacher", "guardian", "student", "evening")
        .order_by("slot__starts_at", "pk")
    )
    for appointment in rows:
        if appointment.teacher_id == scope.user_id:
            summary = _("Meeting with %(guardian)s about %(student)s") % {
                "guardian": appointment.guardian.get_full_name(),
                "student": appointment.student.get_full_name(),
            }
        else:
            summary = _("Meeting with %(teacher)s about %(student)s") % {
                "teacher": appointment.teacher.get_full_name(),
                "student": appointment.student.get_full_name(),
            }
        slot = appointment.slot
        yield FeedEvent(
            uid=f"meeting-{appointment.pk}",
            summary=summary,
            starts=slot.starts_at,
            ends=slot.ends_at,
            description=appointment.evening.title,
            location=slot.room.name if slot.room else "",
        )
