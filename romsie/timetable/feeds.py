"""Personal iCalendar feeds: a secret, revocable address per person, valid RFC 5545.

The feed holds the person's sessions of the current school years (a parent: each child's,
named), cancellations included with ``STATUS:CANCELLED``, and the events other apps add
through :func:`romsie.timetable.registry.register_feed_source` (homework due dates...).
UIDs are stable (``session-<id>@<host>``), so calendar applications update events in place.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import zoneinfo

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from romsie.core import versions
from romsie.identity.models import Guardianship, RoleAssignment

from . import registry
from .access import student_filter
from .models import CalendarFeed, Session

UID_DOMAIN = "romsie-ce"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_token_reset(*, user_id: int, revoke: bool = False) -> str | None:
    """Give the person a new secret address (the old one stops working); or just revoke it."""
    CalendarFeed.objects.filter(user_id=user_id).delete()
    if revoke:
        return None
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.create(user_id=user_id, token_digest=_digest(token))
    return token


def has_feed(user_id: int) -> bool:
    return CalendarFeed.objects.filter(user_id=user_id).exists()


def _sessions_filter(user_id: int) -> tuple[Q | None, list[int], list[int]]:
    """Which sessions the person's feed holds, the students it covers and the establishments."""
    roles = list(RoleAssignment.objects.filter(user_id=user_id, is_active=True).values_list("establishment_id", "role"))
    condition: Q | None = None
    students: list[int] = []
    establishments = sorted({eid for eid, _role in roles})

    def add(q: Q) -> None:
        nonlocal condition
        condition = q if condition is None else condition | q

    for eid, role in roles:
        if role == "student":
            add(Q(establishment_id=eid) & student_filter(user_id, eid))
            students.append(user_id)
        elif role == "teacher":
            add(Q(establishment_id=eid) & (Q(teacher_id=user_id) | Q(planned_teacher_id=user_id)))
    for child_id, eid in Guardianship.objects.filter(guardian_id=user_id).values_list("student_id", "establishment_id"):
        add(Q(establishment_id=eid) & student_filter(child_id, eid))
        students.append(child_id)
    return condition, sorted(set(students)), establishments


FEED_CACHE_SECONDS = 300


def feed_for_token(token: str) -> bytes:
    """Return the iCalendar text of the feed whose token this is; 404 for any wrong token.

    A full year is a thousand events or more: the text is cached five minutes per person,
    and recomputed at once when the timetable, homework or structure of one of their
    establishments changes (version stamps).
    """
    feed = CalendarFeed.objects.filter(token_digest=_digest(token), user__is_active=True).only("user_id").first()
    if feed is None:
        raise Http404
    establishments = sorted(
        set(
            RoleAssignment.objects.filter(user_id=feed.user_id, is_active=True).values_list(
                "establishment_id", flat=True
            )
        )
    )
    stamp = versions.stamp(
        *(versions.key(kind, eid) for eid in establishments for kind in ("timetable", "homework", "structure"))
    )
    cache_key = f"romsie:calendar-feed:{feed.user_id}:{'.'.join(map(str, stamp))}"
    body: bytes | None = cache.get(cache_key)
    if body is None:
        body = calendar_for(feed.user_id)
        cache.set(cache_key, body, FEED_CACHE_SECONDS)
    return body


def calendar_for(user_id: int) -> bytes:
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//ROMSIE CE//Timetable//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "ROMSIE")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    condition, students, establishments = _sessions_filter(user_id)
    stamp = timezone.now()
    if condition is not None:
        sessions = (
            Session.objects.filter(condition, lesson__school_year__is_current=True)
            .select_related("teaching__subject", "teacher", "room")
            .order_by("date", "starts_at")
            .distinct()
        )
        for session in sessions:
            event = icalendar.Event()
            event.add("uid", f"session-{session.pk}@{UID_DOMAIN}")
            event.add("dtstamp", stamp)
            event.add("dtstart", datetime.datetime.combine(session.date, session.starts_at, tzinfo=tz))
            event.add("dtend", datetime.datetime.combine(session.date, session.ends_at, tzinfo=tz))
            event.add("summary", session.teaching.subject.name)
            if session.room is not None:
                event.add("location", session.room.name)
            description = [session.teacher.get_full_name()]
            if session.change_note:
                description.append(session.change_note)
            event.add("description", "\n".join(description))
            event.add("sequence", session.version)
            event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
            calendar.add_component(event)
    for source in registry.feed_sources():
        for item in source(user_id, students, establishments):
            event = icalendar.Event()
            event.add("uid", f"{item.uid}@{UID_DOMAIN}")
            event.add("dtstamp", stamp)
            event.add("dtstart", item.starts)
            if item.ends is not None:
                event.add("dtend", item.ends)
            event.add("summary", item.summary)
            if item.description:
                event.add("description", item.description)
            if item.location:
                event.add("location", item.location)
            if item.cancelled:
                event.add("status", "CANCELLED")
            calendar.add_component(event)
    body: bytes = calendar.to_ical()
    return body
