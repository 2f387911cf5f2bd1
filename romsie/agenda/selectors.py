"""Reads of the agendas: a week, the upcoming events, the dashboard's next events."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from romsie.communities.models import Community
from romsie.core.access.scope import Scope

from . import access
from .models import Event, Invitation

WEEK_DAYS = 7
UPCOMING_DAYS = 31


@dataclass
class Day:
    date: datetime.date
    events: list[Event] = field(default_factory=list)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def events_between(scope: Scope, start: datetime.date, end: datetime.date, *, agenda: str = "") -> QuerySet[Event]:
    """The events the person may see that overlap ``[start, end)`` (dates), in one query."""
    events = access.visible_events(scope).filter(starts_at__lt=_day_start(end), ends_at__gte=_day_start(start))
    if agenda in Event.Agenda.values:
        events = events.filter(agenda=agenda)
    return events.select_related("school_class").order_by("starts_at", "pk")


def week(scope: Scope, monday: datetime.date, *, agenda: str = "") -> list[Day]:
    """The seven days from ``monday``, each with the events that touch it (one query)."""
    days = [Day(monday + datetime.timedelta(days=i)) for i in range(WEEK_DAYS)]
    for event in events_between(scope, monday, monday + datetime.timedelta(days=WEEK_DAYS), agenda=agenda):
        first = timezone.localtime(event.starts_at).date()
        last = timezone.localtime(event.ends_at).date()
        if event.is_all_day or (last > first and timezone.localtime(event.ends_at).time() == datetime.time.min):
            last = max(first, last - datetime.timedelta(days=1) if last > first else last)
        for day in days:
            if first <= day.date <= last:
                day.events.append(event)
    return days


def upcoming(scope: Scope, *, agenda: str = "", days: int = UPCOMING_DAYS) -> list[Event]:
    """The events of the coming ``days`` (today included), at most 200."""
    today = timezone.localdate()
    return list(events_between(scope, today, today + datetime.timedelta(days=days), agenda=agenda)[:200])


def community_upcoming(scope: Scope, community: Community, *, count: int = 200) -> list[Event]:
    """The coming events of a community's agenda (one query)."""
    events = access.community_events(scope, community).filter(ends_at__gte=timezone.now())
    return list(events.order_by("starts_at", "pk")[:count])


def next_shared_events(scope: Scope, *, count: int = 5) -> list[Event]:
    """The next class and establishment events the person may see (the dashboard's widget)."""
    return list(
        access.visible_events(scope)
        .exclude(agenda=Event.Agenda.PERSONAL)
        .filter(ends_at__gte=timezone.now())
        .select_related("school_class")
        .order_by("starts_at", "pk")[:count]
    )


def invitations_of(event: Event) -> list[Invitation]:
    """The invitations of an event with their invitees, for its organiser."""
    return list(event.invitations.select_related("invitee").order_by("invitee__last_name", "invitee__first_name"))
