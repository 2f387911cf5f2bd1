"""Hooks through which apps built on the timetable add to it without the timetable importing them.

Every hook declares the service it belongs to and the habilitation it needs; the timetable
calls a hook only with a scope where that service is switched on and that habilitation held
(the accessors below take the scope and filter), as the access middleware does for views.

- A *session panel* adds a block to a session's page (the homework log adds what was done and
  what is to do): ``register_session_panel(fn, service=..., habilitation=..., css=(...))`` with
  ``fn(request, session) -> (template_name, context) | None``; ``css`` names the style sheets its
  template needs (its app's), which the page links when the panel shows, as the dashboard does
  for a widget's.
- A *feed source* adds events to a person's calendar feed (homework due dates, assignment
  deadlines): ``register_feed_source(fn, service=..., habilitation=...)`` with ``fn(scope)``
  returning an iterable of :class:`FeedEvent`. The feed calls it once per establishment of the
  feed's owner, with the owner's scope there as a request would compute it now (their current
  roles, habilitations and services; a parent's with all their children there).
- A *week marker* source adds small marks to the days of a week view (homework due that day):
  ``register_week_marker(fn, service=..., habilitation=...)`` with
  ``fn(request, owner, monday) -> {date: [str, ...]}``, where ``owner`` is ``("student", id)``,
  ``("teacher", id)``, ``("class", id)`` or ``("room", id)``.
  Each source must cost a fixed number of queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from romsie.core.access.scope import Scope, ScopedRequest

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


SessionPanel = Callable[["ScopedRequest", "Session"], "tuple[str, dict[str, Any]] | None"]
FeedSource = Callable[["Scope"], Iterable[FeedEvent]]
WeekMarker = Callable[["ScopedRequest", "tuple[str, int]", datetime.date], "dict[datetime.date, list[str]]"]

F = TypeVar("F")


@dataclass(frozen=True)
class Hook(Generic[F]):
    """A registered hook with the service it belongs to and the habilitation it needs."""

    kind: str
    fn: F
    service: str
    habilitation: str
    css: tuple[str, ...] = ()

    def allowed(self, scope: Scope) -> bool:
        """Tell whether the hook's service is on in the scope's establishment and its habilitation held."""
        return self.service in scope.services and scope.has(self.habilitation)


_session_panels: list[Hook[SessionPanel]] = []
_feed_sources: list[Hook[FeedSource]] = []
_week_markers: list[Hook[WeekMarker]] = []


def _register(hooks: list[Hook[F]], hook: Hook[F]) -> None:
    if not hook.service or not hook.habilitation:
        raise ValueError(f"the {hook.kind} hook {hook.fn!r} must declare its service and habilitation")
    hooks[:] = [h for h in hooks if h.fn != hook.fn] + [hook]


def register_session_panel(panel: SessionPanel, *, service: str, habilitation: str, css: tuple[str, ...] = ()) -> None:
    _register(_session_panels, Hook("session_panel", panel, service, str(habilitation), css))


def register_feed_source(source: FeedSource, *, service: str, habilitation: str) -> None:
    _register(_feed_sources, Hook("feed_source", source, service, str(habilitation)))


def register_week_marker(marker: WeekMarker, *, service: str, habilitation: str) -> None:
    _register(_week_markers, Hook("week_marker", marker, service, str(habilitation)))


def session_panels(scope: Scope) -> list[SessionPanel]:
    """The session panels to call for this scope."""
    return [h.fn for h in _session_panels if h.allowed(scope)]


def session_panel_hooks(scope: Scope) -> list[Hook[SessionPanel]]:
    """The session panels to call for this scope, with the style sheets each declares."""
    return [h for h in _session_panels if h.allowed(scope)]


def feed_sources(scope: Scope) -> list[FeedSource]:
    """The feed sources to call for this scope (the feed owner's in one establishment)."""
    return [h.fn for h in _feed_sources if h.allowed(scope)]


def week_markers(scope: Scope) -> list[WeekMarker]:
    """The week markers to call for this scope."""
    return [h.fn for h in _week_markers if h.allowed(scope)]


def hooks() -> list[Hook[Any]]:
    """Every registered hook (the architecture test checks their declarations)."""
    return [*_session_panels, *_feed_sources, *_week_markers]
