"""Hooks through which apps built on the timetable add to it without the timetable importing them.

- A *session panel* adds a block to a session's page (the homework log adds what was done and
  what is to do): ``register_session_panel(fn)`` with ``fn(request, session) -> (template_name,
  context) | None``.
- A *feed source* adds events to a person's calendar feed (homework due dates, assignment
  deadlines): ``register_feed_source(fn)`` with ``fn(user_id, student_ids, establishment_ids)``
  returning an iterable of :class:`FeedEvent`.
- A *week marker* source adds small marks to the days of a week view (homework due that day):
  ``register_week_marker(fn)`` with ``fn(request, owner, monday) -> {date: [str, ...]}``, where
  ``owner`` is ``("student", id)``, ``("teacher", id)``, ``("class", id)`` or ``("room", id)``.
  Each source must cost a fixed number of queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import Session


@dataclass(frozen=True)
class FeedEvent:
    """One event of a calendar feed; ``uid`` must be stable across requests."""

    uid: str
    summary: str
    starts: datetime.datetime | datetime.date
    ends: datetime.datetime | datetime.date | None = None
    description: str = ""
    location: str = ""
    cancelled: bool = False


SessionPanel = Callable[["HttpRequest", "Session"], "tuple[str, dict[str, Any]] | None"]
FeedSource = Callable[[int, "list[int]", "list[int]"], Iterable[FeedEvent]]
WeekMarker = Callable[["HttpRequest", "tuple[str, int]", datetime.date], "dict[datetime.date, list[str]]"]

_session_panels: list[SessionPanel] = []
_feed_sources: list[FeedSource] = []
_week_markers: list[WeekMarker] = []


def register_session_panel(panel: SessionPanel) -> None:
    if panel not in _session_panels:
        _session_panels.append(panel)


def register_feed_source(source: FeedSource) -> None:
    if source not in _feed_sources:
        _feed_sources.append(source)


def register_week_marker(marker: WeekMarker) -> None:
    if marker not in _week_markers:
        _week_markers.append(marker)


def session_panels() -> list[SessionPanel]:
    return list(_session_panels)


def feed_sources() -> list[FeedSource]:
    return list(_feed_sources)


def week_markers() -> list[WeekMarker]:
    return list(_week_markers)
