"""The dashboard's "Links": family-service links, pushed bookmarks and the person's own bookmarks.

Cached for a minute per person against the version stamps of the person's bookmarks, the
establishment's pushed bookmarks, the territory's family links and the structure (levels).
"""

from __future__ import annotations

from typing import Any

from romsie.core import registry
from romsie.core.access.scope import ScopedRequest

from . import access, selectors
from .habilitations import BookmarksHabilitation


def links_context(request: ScopedRequest) -> dict[str, Any] | None:
    scope = request.scope
    if not access.may_use(scope):
        return None
    return {"links": selectors.links_for_dashboard(scope)}


def links_stamp(request: ScopedRequest) -> tuple[Any, ...]:
    return selectors.links_stamp(request.scope)


LINKS_WIDGET = registry.Widget(
    key="bookmarks-links",
    template_name="bookmarks/_widget_links.html",
    get_context=links_context,
    order=40,
    service=access.SERVICE,
    habilitation=BookmarksHabilitation.USE,
    css=("bookmarks/bookmarks.css",),
    cache_stamp=links_stamp,
)
