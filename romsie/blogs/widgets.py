"""Dashboard contribution of the blogs service: the latest posts of the blogs one reads.

Cached for a minute per person against version stamps (``selectors.reader_stamp``, shared with
the list of blogs): ``blogs`` (bumped when a blog or a post of the establishment changes),
``structure`` (classes, enrolments, teachings: who reads) and the person's ``user`` version
(roles, guardianships).
"""

from __future__ import annotations

from typing import Any

from romsie.core import registry
from romsie.core.access.scope import ScopedRequest

from . import selectors
from .habilitations import BlogHabilitation

SERVICE = "blogs"


def latest_context(request: ScopedRequest) -> dict[str, Any] | None:
    scope = request.scope
    if scope.establishment_id is None or SERVICE not in scope.services:
        return None
    posts = selectors.latest_posts(scope)
    return {"posts": posts} if posts else None


def latest_stamp(request: ScopedRequest) -> tuple[Any, ...]:
    return selectors.reader_stamp(request.scope)


LATEST_POSTS_WIDGET = registry.Widget(
    key="blogs-latest",
    template_name="blogs/_widget_latest.html",
    get_context=latest_context,
    order=22,
    service=SERVICE,
    habilitation=BlogHabilitation.READ,
    cache_stamp=latest_stamp,
)
