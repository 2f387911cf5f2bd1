"""Reads of the bookmarks: one's own, the family-service links, what the dashboard's "Links" shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.establishments.models import Establishment

from . import access
from .models import Bookmark, FamilyLink, PushedBookmark

WIDGET_LIMIT = 12


def bookmark_list_for_owner(scope: Scope) -> QuerySet[Bookmark]:
    """Return the person's bookmarks, by folder then in their order."""
    return access.visible_bookmarks(scope).order_by("folder", "position", "pk")


def family_link_list_for_family(scope: Scope) -> list[FamilyLink]:
    """Return the family-service links shown to the person (one query)."""
    return list(access.visible_family_links(scope).order_by("position", "title", "pk"))


def family_link_list_for_admin(scope: Scope) -> QuerySet[FamilyLink]:
    """Return the links of the administered territories, with their establishments and levels."""
    establishments = Prefetch("establishments", queryset=Establishment.objects.order_by("name"))
    return (
        access.managed_family_links(scope)
        .select_related("territory")
        .prefetch_related(establishments, "levels")
        .order_by("territory__name", "position", "title", "pk")
    )


def pushed_list_for_reader(scope: Scope) -> list[PushedBookmark]:
    """Return the bookmarks pushed to the person (one query)."""
    return list(access.visible_pushed(scope).order_by("position", "title", "pk"))


def pushed_list_for_manager(scope: Scope) -> list[PushedBookmark]:
    """Return every pushed bookmark of the establishment with its levels and classes (three queries)."""
    rows = access.managed_pushed(scope).prefetch_related("levels", "school_classes")
    return list(rows.order_by("position", "title", "pk"))


@dataclass
class Links:
    """What the dashboard's "Links" widget shows, each part already read."""

    family: list[FamilyLink] = field(default_factory=list)
    pushed: list[PushedBookmark] = field(default_factory=list)
    own: list[Bookmark] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.family or self.pushed or self.own)


def links_for_dashboard(scope: Scope) -> Links:
    """Return the family-service links, the pushed bookmarks and the person's own (a few of each)."""
    return Links(
        family=family_link_list_for_family(scope)[:WIDGET_LIMIT],
        pushed=pushed_list_for_reader(scope)[:WIDGET_LIMIT],
        own=list(bookmark_list_for_owner(scope)[:WIDGET_LIMIT]),
    )


def links_stamp(scope: Scope) -> tuple[Any, ...]:
    """What the "Links" widget depends on: the person's bookmarks, the establishment's pushed ones,
    the territory's family links, the classes (levels), the person's children and rights."""
    establishment = scope.establishment
    keys = [
        versions.key(versions.Kind.BOOKMARKS, scope.user_id),
        versions.key(versions.Kind.BOOKMARKS_PUSHED, scope.establishment_id),
        versions.key(versions.Kind.FAMILY_LINKS, establishment.territory_id if establishment else None),
        versions.key(versions.Kind.STRUCTURE, scope.establishment_id),
    ]
    children = tuple(c.id for c in scope.children)
    return (access.may_use(scope), sorted(scope.profiles), children, *versions.stamp(*keys))
