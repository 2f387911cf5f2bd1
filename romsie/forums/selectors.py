"""Reads of the forums: my forums, a forum's categories and latest topics, a category, a topic's page.

Every read starts from ``access``. Unread markers are computed in the same query as the topics
(a subquery of the person's :class:`~romsie.forums.models.TopicRead`), never one query per topic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber

from romsie.communities.models import Community
from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.core.pagination import KeysetPage, keyset_page
from romsie.schooling import social

from . import access
from .models import Category, Forum, Reply, Report, Topic, TopicRead
from .services import PAGE_SIZE, page_of

LATEST_PER_CATEGORY = 5
TOPICS_PER_PAGE = 30
REPORTS_SHOWN = 200


def with_unread(scope: Scope, topics: QuerySet[Topic]) -> QuerySet[Topic]:
    """Annotate each topic with ``last_read`` (0: never opened) and ``is_unread``."""
    read = TopicRead.objects.filter(user_id=scope.user_id, topic_id=OuterRef("pk")).values("last_read_position")[:1]
    return topics.annotate(last_read=Coalesce(Subquery(read), 0)).annotate(is_unread=Q(reply_count__gt=F("last_read")))


def forum_list_stamp(scope: Scope) -> tuple[Any, ...]:
    """What the list of one's forums depends on, for ``core.fragments``.

    The establishment's forums, topics and replies (``forums``: what a forum holds and whether it
    has unread replies), what the person read (``forums-reader``), the communities they belong to
    and manage (``communities``), the classes and groups they are in or teach (``structure``),
    their roles and children (``user``), the students' social switches (whether forums are open to
    a student's level) and their habilitations (moderating, managing).
    """
    establishment = scope.establishment
    keys = [
        versions.key(versions.Kind.FORUMS, scope.establishment_id),
        versions.key(versions.Kind.FORUMS_READER, scope.user_id),
        versions.key(versions.Kind.COMMUNITIES, scope.establishment_id),
        versions.key(versions.Kind.STRUCTURE, scope.establishment_id),
        versions.key(versions.Kind.USER, scope.user_id),
    ]
    if establishment is not None:
        keys += social.stamp_keys(establishment.id, establishment.territory_id)
    return (sorted(scope.habilitations), *versions.stamp(*keys))


def my_forums(scope: Scope) -> list[Forum]:
    """The person's forums, each with ``has_unread`` (a topic with replies they have not read).

    Hidden topics never make a forum unread (their moderators find them in the forum).
    """
    unread = with_unread(scope, access.unhidden_topics_of(OuterRef("pk"))).filter(is_unread=True)
    forums = access.visible_forums(scope).select_related("school_class", "teaching_group")
    return list(forums.annotate(has_unread=Exists(unread)).order_by("kind", "title", "pk"))


@dataclass
class CategoryRow:
    category: Category
    topics: list[Topic] = field(default_factory=list)


def forum_overview(scope: Scope, forum: Forum) -> list[CategoryRow]:
    """The forum's categories in order, each with its topic count and latest topics (two queries)."""
    moderator = bool(getattr(forum, "is_moderator", False))
    counted = Q() if moderator else Q(topics__is_hidden=False)
    categories = list(
        Category.objects.filter(forum=forum)
        .annotate(topic_count=Count("topics", filter=counted))
        .order_by("position", "pk")
    )
    rows = {c.pk: CategoryRow(c) for c in categories}
    topics = (
        with_unread(scope, access.visible_topics(scope).filter(forum=forum))
        .select_related("author")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("category_id")],
                order_by=[F("is_pinned").desc(), F("last_reply_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=LATEST_PER_CATEGORY)
        .order_by("category_id", "rank")
    )
    for topic in topics:
        if topic.category_id in rows:
            rows[topic.category_id].topics.append(topic)
    return list(rows.values())


@dataclass
class CategoryPage:
    pinned: list[Topic]
    page: KeysetPage[Topic]


def category_topics(scope: Scope, category: Category, *, cursor: str) -> CategoryPage:
    """A category's pinned topics (first page only), then its other topics by latest reply, paged."""
    topics = with_unread(scope, access.visible_topics(scope).filter(category=category)).select_related("author")
    page = keyset_page(topics.filter(is_pinned=False), time_field="last_reply_at", cursor=cursor, size=TOPICS_PER_PAGE)
    pinned = list(topics.filter(is_pinned=True).order_by("-last_reply_at", "-pk")) if page.is_first else []
    return CategoryPage(pinned, page)


@dataclass
class TopicPage:
    replies: list[Reply]
    number: int
    page_count: int

    @property
    def numbers(self) -> list[int]:
        """The page numbers to link: the first, the last and those around the current one."""
        wanted = {1, self.page_count, *range(self.number - 2, self.number + 3)}
        return sorted(n for n in wanted if 1 <= n <= self.page_count)


def parse_page(value: str | None) -> int:
    """Read a page number from the query string (anything else: the first page)."""
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        return 1
    return max(int(text), 1)


def topic_page(topic: Topic, number: int) -> TopicPage:
    """The replies of one page of a topic: a range of positions (one query, whatever the page)."""
    page_count = max(math.ceil(topic.reply_count / PAGE_SIZE), 1)
    number = min(max(number, 1), page_count)
    first = (number - 1) * PAGE_SIZE + 1
    replies = list(
        Reply.objects.filter(topic=topic, position__gte=first, position__lt=first + PAGE_SIZE)
        .select_related("author")
        .order_by("position")
    )
    return TopicPage(replies, number, page_count)


def report_queue(scope: Scope) -> list[Report]:
    """The open reports of the forums the person moderates, newest first."""
    reports = list(
        access.visible_reports(scope)
        .filter(resolved_at__isnull=True)
        .select_related("reply", "reply__author", "reply__topic", "reply__topic__forum", "reporter")
        .order_by("-created_at", "-pk")[:REPORTS_SHOWN]
    )
    for report in reports:
        report.page = page_of(report.reply.position)  # type: ignore[attr-defined]
    return reports


def forum_categories(forum: Forum) -> QuerySet[Category]:
    """The categories of a forum, in order (choices of a move)."""
    return Category.objects.filter(forum=forum).order_by("position", "pk")


def community_forum(scope: Scope, community: Community) -> Forum | None:
    """The forum of a community the person belongs to, if it has been opened."""
    return access.visible_forums(scope).filter(community_id=community.pk).first()
