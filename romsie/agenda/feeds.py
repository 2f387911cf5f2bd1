"""The events of the person's private iCalendar feed (``timetable/feeds.py``)."""

from __future__ import annotations

import datetime
import html
from collections.abc import Iterable

from django.utils import timezone
from django.utils.html import strip_tags

from romsie.core.access.scope import Scope
from romsie.timetable.registry import FeedEvent

from . import access

FEED_PAST_DAYS = 60
FEED_FUTURE_DAYS = 400


def plain_text(description: str) -> str:
    """The text of an event's (rich text) description, for calendars."""
    return html.unescape(strip_tags(description.replace("</p>", "</p>\n"))).strip()


def feed_source(scope: Scope) -> Iterable[FeedEvent]:
    """Every event the feed's owner may see from two months ago on (one query).

    UIDs are ``agenda-<pk>`` (the feed adds its domain): stable across requests.
    """
    now = timezone.now()
    events = (
        access.visible_events(scope)
        .filter(ends_at__gte=now - datetime.timedelta(days=FEED_PAST_DAYS))
        .filter(starts_at__lte=now + datetime.timedelta(days=FEED_FUTURE_DAYS))
        .order_by("starts_at", "pk")
    )
    for event in events:
        starts: datetime.datetime | datetime.date = event.starts_at
        ends: datetime.datetime | datetime.date = event.ends_at
        if event.is_all_day:
            starts = timezone.localtime(event.starts_at).date()
            ends = max(timezone.localtime(event.ends_at).date(), starts + datetime.timedelta(days=1))
        yield FeedEvent(
            uid=f"agenda-{event.pk}",
            summary=event.title,
            starts=starts,
            ends=ends,
            description=plain_text(event.description),
            location=event.place,
        )
