"""Reads of the communities service: lists, the wall, members, wiki pages and their history."""

from __future__ import annotations

import html
import re
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from romsie.core import versions
from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.core.pagination import KeysetPage, keyset_page

from . import access
from .models import Comment, Community, Membership, Reaction, WallPost, WikiPage, WikiRevision

WALL_PAGE_SIZE = 20
WIKI_LINK = re.compile(r"\[\[([^\[\]<>\n]{1,150})\]\]")


def member_ids(community: Community) -> QuerySet[Any, Any]:
    """The ids of the community's active members (a subquery)."""
    return Membership.objects.filter(community_id=community.pk, status=Membership.Status.ACTIVE).values("user_id")


def manager_ids(community_id: int) -> list[int]:
    """The ids of the community's active owners and managers."""
    return list(
        Membership.objects.filter(
            community_id=community_id, status=Membership.Status.ACTIVE, role__in=Membership.MANAGING
        ).values_list("user_id", flat=True)
    )


def community_list_stamp(scope: Scope) -> tuple[Any, ...]:
    """What the list of one's communities and invitations depends on, for ``core.fragments``.

    The establishment's communities, memberships and invitations (``communities``), the person's
    roles (``user``), the names of the people who invite (``people``), their habilitations and
    whether they may create a community.
    """
    keys = (
        versions.key(versions.Kind.COMMUNITIES, scope.establishment_id),
        versions.key(versions.Kind.USER, scope.user_id),
        versions.key(versions.Kind.PEOPLE, scope.establishment_id),
    )
    return (sorted(scope.habilitations), access.can_create(scope), *versions.stamp(*keys))


def community_list_for_member(scope: Scope) -> list[Community]:
    """The person's communities with their number of members (one query)."""
    members = Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE))
    return list(access.visible_communities(scope).annotate(member_count=members).order_by("name", "pk"))


def wall_page(scope: Scope, community: Community, *, cursor: str) -> KeysetPage[WallPost]:
    """One page of the wall, newest first, with authors, comments and reactions: three queries."""
    comments = Comment.objects.select_related("author").order_by("created_at", "pk")
    if not access.is_managing(community):
        comments = comments.filter(Q(is_hidden=False) | Q(author_id=scope.user_id))
    posts: QuerySet[WallPost] = (
        access.visible_posts(scope, community)
        .select_related("author")
        .annotate(
            reaction_count=Count("reactions", distinct=True),
            has_reacted=Exists(Reaction.objects.filter(post_id=OuterRef("pk"), user_id=scope.user_id)),
        )
    )
    page = keyset_page(posts, time_field="created_at", cursor=cursor, size=WALL_PAGE_SIZE)
    if page.entries:
        # One query for every comment of the page's posts, whatever their number.
        prefetch_related_objects(page.entries, Prefetch("comments", queryset=comments, to_attr="shown_comments"))
    return page


def members_of(community: Community) -> list[Membership]:
    """The community's members and invited people, by name (one query)."""
    rows = access.visible_memberships(community).select_related("user")
    return list(rows.order_by("status", "user__last_name", "user__first_name", "pk"))


def owner_count(community: Community) -> int:
    return Membership.objects.filter(
        community_id=community.pk, status=Membership.Status.ACTIVE, role=Membership.Role.OWNER
    ).count()


def wiki_pages(community: Community) -> list[WikiPage]:
    return list(access.visible_pages(community).select_related("updated_by").order_by("title", "pk"))


def wiki_slug(title: str) -> str:
    """The address of a page from its title (``Répétition générale`` → ``repetition-generale``)."""
    return slugify(title)[:160] or "page"


def render_wiki(community: Community, body: str) -> SafeString:
    """The page's sanitised text with ``[[Title]]`` turned into links (a missing page: "create it").

    The text was cleaned when saved; what is matched holds no tag, and is shown escaped as stored.
    One query for the pages that exist.
    """
    found = WIKI_LINK.findall(body)
    if not found:
        return mark_safe(body)  # noqa: S308 -- cleaned by core.richtext when saved
    slugs = {wiki_slug(html.unescape(title)) for title in found}
    existing = set(access.visible_pages(community).filter(slug__in=slugs).values_list("slug", flat=True))

    def link(match: re.Match[str]) -> str:
        shown = match.group(1)
        title = html.unescape(shown)
        slug = wiki_slug(title)
        if slug in existing:
            url = reverse("communities:wiki-page", args=[community.pk, slug])
            return f'<a href="{url}">{shown}</a>'
        url = reverse("communities:wiki-create", args=[community.pk]) + "?" + _query(title)
        return f'<a href="{url}" class="wiki-missing" rel="nofollow">{shown}</a>'

    return mark_safe(WIKI_LINK.sub(link, body))  # noqa: S308 -- escaped as stored, URLs ours


def _query(title: str) -> str:
    return html.escape(urlencode({"titre": title}))


def revisions_of(page: WikiPage) -> list[WikiRevision]:
    return list(page.revisions.select_related("author").order_by("-number"))


def get_revision(page: WikiPage, number: int) -> WikiRevision:
    """Return one revision of a page the person already opened, or raise 404."""
    return first_or_404(page.revisions.select_related("author").filter(number=number))
