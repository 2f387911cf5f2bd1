"""Personal iCalendar feeds: a secret, revocable address per person, valid RFC 5545.

The feed holds the person's sessions of the current school years (a parent: each child's),
cancellations included with ``STATUS:CANCELLED``, and the events other apps add
through :func:`romsie.timetable.registry.register_feed_source` (homework due dates...).
UIDs are stable (``session-<id>@<host>``), so calendar applications update events in place.

The address is a credential without a request: what it shows is decided at every fetch by the
owner's scope in each establishment, computed as a request's would be
(:func:`romsie.identity.scope.scopes_of`). A role removed, a right withdrawn or the service
switched off empties the feed of that establishment at once.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import operator
import secrets
import zoneinfo

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.utils import timezone

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.identity.scope import scopes_of

from . import access, registry
from .habilitations import TimetableHabilitation
from .models import CalendarFeed

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


SERVICE = "timetable"


def owner_scopes(user_id: int) -> list[Scope]:
    """The feed owner's scopes, one per establishment, where the timetable is theirs to see now.

    Built like a request's scope (``identity.scope``): current roles, habilitations (with the
    establishment's adjustments within the territory's ceiling) and services; an
    establishment where the timetable is switched off, or where the person lost the right to
    see it, adds nothing to the feed.
    """
    return [
        scope for scope in scopes_of(user_id) if SERVICE in scope.services and scope.has(TimetableHabilitation.VIEW)
    ]


def _scope_key(scope: Scope) -> tuple[object, ...]:
    return (scope.establishment_id, sorted(scope.profiles), sorted(scope.habilitations), sorted(scope.services),
            [c.id for c in scope.children])  # fmt: skip


FEED_CACHE_SECONDS = 300
# What a feed is computed from in each establishment (homework adds its due dates through a hook;
# the people's names are the teachers': a teacher renamed shows at once).
FEED_VERSION_KINDS = (versions.Kind.TIMETABLE, versions.Kind.HOMEWORK, versions.Kind.STRUCTURE, versions.Kind.PEOPLE)


def feed_for_token(token: str) -> bytes:
    """Return the iCalendar text of the feed whose token this is; 404 for any wrong token.

    A full year is a thousand events or more: the text is cached five minutes per person
    against what it was computed from (the owner's rights and services in each
    establishment, read at every request) and recomputed at once when the timetable,
    homework or structure of one of their establishments changes (version stamps). What the
    other sources add (agenda events, bookings, meetings) shows within those five minutes:
    calendar applications poll a subscribed feed every quarter of an hour at best.
    """
    feed = CalendarFeed.objects.filter(token_digest=_digest(token), user__is_active=True).only("user_id").first()
    if feed is None:
        raise Http404
    scopes = owner_scopes(feed.user_id)
    stamp = versions.stamp(*(versions.key(kind, s.establishment_id) for s in scopes for kind in FEED_VERSION_KINDS))
    rights = hashlib.sha256(repr([_scope_key(s) for s in scopes]).encode()).hexdigest()[:16]
    cache_key = f"romsie:calendar-feed:{feed.user_id}:{rights}:{'.'.join(map(str, stamp))}"
    body: bytes | None = cache.get(cache_key)
    if body is None:
        body = calendar_for(feed.user_id, scopes=scopes)
        cache.set(cache_key, body, FEED_CACHE_SECONDS)
    return body


def calendar_for(user_id: int, *, scopes: list[Scope] | None = None) -> bytes:
    """Return the person's calendar: what their scope in each establishment lets them see now."""
    if scopes is None:
        scopes = owner_scopes(user_id)
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//ROMSIE CE//Timetable//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "ROMSIE")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    if scopes:
        sessions = (
            functools.reduce(operator.or_, (access.feed_sessions(s) for s in scopes))
            .filter(lesson__school_year__is_current=True)
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
    for scope in scopes:
        for source in registry.feed_sources(scope):
            for item in source(scope):
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
