"""Dashboard contributions of the news service: latest news, notices to confirm, sticky notes.

Each widget is cached for a minute per person against version stamps: ``news`` (bumped when
an item of the establishment is saved or deleted), ``news_reader`` (bumped when the person
confirms a notice), ``sticky_notes`` (bumped when a note is pinned or removed) and
``structure`` (classes, enrolments, teachings: who is addressed). A scheduled item appears, and
an expired one disappears, within the minute the cache lasts.
"""

from __future__ import annotations

from typing import Any

from romsie.core import registry, versions
from romsie.core.access.scope import ScopedRequest

from . import selectors
from .habilitations import NewsHabilitation

SERVICE = "news"


def _enabled(scope: Any) -> bool:
    return scope.establishment_id is not None and SERVICE in scope.services


def _stamp(request: ScopedRequest, *kinds: versions.Kind) -> tuple[Any, ...]:
    return selectors.reader_stamp(request.scope, *kinds)


def news_context(request: ScopedRequest) -> dict[str, Any] | None:
    scope = request.scope
    if not _enabled(scope):
        return None
    return {"items": selectors.latest_news(scope)}


def news_stamp(request: ScopedRequest) -> tuple[Any, ...]:
    return _stamp(request, versions.Kind.NEWS, versions.Kind.STRUCTURE)


def to_confirm_context(request: ScopedRequest) -> dict[str, Any] | None:
    scope = request.scope
    if not _enabled(scope):
        return None
    notices = selectors.notices_to_confirm(scope)
    return {"notices": notices} if notices else None


def to_confirm_stamp(request: ScopedRequest) -> tuple[Any, ...]:
    # The cached confirm forms carry the CSRF token of the browser that rendered them; they
    # post with htmx, which leaves that token out and sends the page's own in a header, so a
    # second browser of the same person within the cache's minute is not refused.
    return _stamp(request, versions.Kind.NEWS, versions.Kind.STRUCTURE, versions.Kind.NEWS_READER)


def notes_context(request: ScopedRequest) -> dict[str, Any] | None:
    scope = request.scope
    if not _enabled(scope):
        return None
    notes = selectors.notes_for_me(scope)
    return {"notes": notes, "child": scope.child} if notes else None


def notes_stamp(request: ScopedRequest) -> tuple[Any, ...]:
    return _stamp(request, versions.Kind.STICKY_NOTES, versions.Kind.STRUCTURE)


TO_CONFIRM_WIDGET = registry.Widget(
    key="news-to-confirm",
    template_name="news/_widget_to_confirm.html",
    get_context=to_confirm_context,
    order=2,
    service=SERVICE,
    habilitation=NewsHabilitation.READ,
    wide=True,
    cache_stamp=to_confirm_stamp,
)
NOTES_WIDGET = registry.Widget(
    key="news-notes",
    template_name="news/_widget_notes.html",
    get_context=notes_context,
    order=3,
    service=SERVICE,
    habilitation=NewsHabilitation.READ,
    css=("news/news.css",),
    cache_stamp=notes_stamp,
)
NEWS_WIDGET = registry.Widget(
    key="news",
    template_name="news/_widget_news.html",
    get_context=news_context,
    order=20,
    service=SERVICE,
    habilitation=NewsHabilitation.READ,
    cache_stamp=news_stamp,
)
