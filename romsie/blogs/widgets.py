"""Dashboard contribution of the blogs service: the latest posts of the blogs one reads.

Cached for a minute per person against version stamps: ``blogs`` (bumped when a blog or a
post of the establishment changes) and ``structure`` (classes, enrolments, teachings: who reads).
"""

from __future__ import annotations

from typing import Any

from romsie.core import registry, versions
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
    scope = request.scope
    keys = [
        versions.key(versions.Kind.BLOGS, scope.establishment_id),
        versions.key(versions.Kind.STRUCTURE, scope.establishment_id),
    ]
    return (sorted(scope.habilitations), *versions.stamp(*keys))


LATEST_POSTS_WIDGET = registry.Widget(
    key="blogs-latest",
    template_name="blogs/_widget_latest.html",
    get_context=latest_context,
    order=22,
    service=SERVICE,
    habilitation=BlogHabilitation.READ,
    cache_stamp=latest_stamp,
)
