"""Reads of the news service, each with a fixed number of queries whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from romsie.core import versions
from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.identity.models import Guardianship, User
from romsie.identity.selectors import BY_NAME

from . import access
from .models import Confirmation, NewsClass, NewsItem, StickyNote

WIDGET_NEWS = 5
WIDGET_NOTICES = 10
WIDGET_NOTES = 10


def _with_classes(items: QuerySet[NewsItem]) -> QuerySet[NewsItem]:
    return items.prefetch_related(
        Prefetch(
            "audience_classes",
            queryset=NewsClass.objects.select_related("school_class").order_by("school_class__name"),
            to_attr="classes",
        )
    )


def news_list_for_reader(scope: Scope) -> QuerySet[NewsItem]:
    """Return the news addressed to the person, newest first, with their confirmation state."""
    mine = Confirmation.objects.filter(item_id=OuterRef("pk"), user_id=scope.user_id)
    return _with_classes(
        access.visible_items(scope).select_related("author").annotate(is_confirmed=Exists(mine))
    ).order_by("-published_at", "-pk")


def news_list_for_manager(scope: Scope) -> QuerySet[NewsItem]:
    """Return the items the person manages (drafts, scheduled, published, expired), newest first."""
    return _with_classes(
        access.manageable_items(scope).select_related("author").annotate(confirmed_count=Count("confirmations"))
    ).order_by("-published_at", "-pk")


def news_detail(scope: Scope, pk: int) -> NewsItem:
    """Return one readable item with its classes and the person's confirmation state (2 queries)."""
    mine = Confirmation.objects.filter(item_id=OuterRef("pk"), user_id=scope.user_id)
    readable = access.readable_items(scope).select_related("author").annotate(is_confirmed=Exists(mine))
    item = first_or_404(readable.filter(pk=pk))
    item.classes = list(  # type: ignore[attr-defined]
        NewsClass.objects.filter(item=item).select_related("school_class").order_by("school_class__name")
    )
    return item


def latest_news(scope: Scope) -> list[NewsItem]:
    """Return the few latest visible items for the dashboard (one query)."""
    return list(access.visible_items(scope).select_related("author").order_by("-published_at", "-pk")[:WIDGET_NEWS])


def notices_to_confirm(scope: Scope) -> list[NewsItem]:
    """Return the visible must-read notices the person has not confirmed yet (one query)."""
    mine = Confirmation.objects.filter(item_id=OuterRef("pk"), user_id=scope.user_id)
    return list(
        access.visible_items(scope)
        .filter(requires_confirmation=True)
        .exclude(Exists(mine))
        .select_related("author")
        .order_by("-published_at", "-pk")[:WIDGET_NOTICES]
    )


@dataclass
class ConfirmationReport:
    item: NewsItem
    total: int
    confirmed: int
    people: QuerySet[User]

    @property
    def pending(self) -> int:
        return self.total - self.confirmed


def confirmation_report(scope: Scope, pk: int, *, confirmed: bool) -> ConfirmationReport:
    """Return a managed notice, its recipient counts and who did (or did not yet) confirm.

    Three queries plus one for the page of people and one for their children (guardians),
    whatever the number of recipients.
    """
    item = first_or_404(
        access.manageable_items(scope).select_related("author").filter(pk=pk, requires_confirmation=True)
    )
    everyone = access.recipients(item)
    done = Confirmation.objects.filter(item=item).values("user_id")
    counts: dict[str, Any] = everyone.aggregate(total=Count("pk"), confirmed=Count("pk", filter=Q(pk__in=done)))
    people = everyone.filter(pk__in=done) if confirmed else everyone.exclude(pk__in=done)
    when = Confirmation.objects.filter(item=item, user_id=OuterRef("pk")).values("confirmed_at")[:1]
    children = Guardianship.objects.filter(establishment_id=item.establishment_id).select_related("student")
    people = (
        people.annotate(confirmed_at=Subquery(when))
        .prefetch_related(
            Prefetch("children_links", queryset=children.order_by("student__first_name"), to_attr="local_children")
        )
        .order_by(*BY_NAME)
    )
    return ConfirmationReport(item, counts["total"], counts["confirmed"], people)


def notes_for_me(scope: Scope) -> list[StickyNote]:
    """Return the notes pinned for the person, or for their current child (one query)."""
    return list(
        access.visible_notes(scope)
        .select_related("author", "school_class", "person")
        .order_by("-created_at", "-pk")[:WIDGET_NOTES]
    )


def notes_by_me(scope: Scope) -> QuerySet[StickyNote]:
    """Return the notes the person pinned, newest first."""
    return access.authored_notes(scope).select_related("school_class", "person").order_by("-created_at", "-pk")


def reader_stamp(scope: Scope, *kinds: versions.Kind) -> tuple[Any, ...]:
    """What a reader's cached news (the dashboard's widgets, the news page) depends on.

    ``news`` and ``sticky_notes`` are the establishment's, ``structure`` says who is addressed,
    ``news_reader`` is the person's own confirmations. A scheduled item appears, and an expired
    one disappears, within the minute the cache lasts (``core.fragments``).
    """
    ids = {
        versions.Kind.NEWS: scope.establishment_id,
        versions.Kind.STRUCTURE: scope.establishment_id,
        versions.Kind.STICKY_NOTES: scope.establishment_id,
    }
    keys = [versions.key(kind, ids.get(kind, scope.user_id)) for kind in kinds]
    enabled = scope.establishment_id is not None and "news" in scope.services
    return (enabled, sorted(scope.habilitations), scope.child, *versions.stamp(*keys))
