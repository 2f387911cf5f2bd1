"""Reads of the blogs service, each with a fixed number of queries whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.core.pagination import KeysetPage, keyset_page

from . import access
from .models import Blog, Comment, Like, Post

PAGE_SIZE = 20
WIDGET_POSTS = 5


def reader_stamp(scope: Scope) -> tuple[Any, ...]:
    """What a reader's cached blogs (the dashboard's latest posts, the list of blogs) depend on.

    ``blogs`` is the establishment's blogs, their readers and authors and their published posts;
    ``structure`` and the person's ``user`` version (roles, guardianships) say which blogs they
    read; the habilitations say whether they moderate.
    """
    keys = [
        versions.key(versions.Kind.BLOGS, scope.establishment_id),
        versions.key(versions.Kind.STRUCTURE, scope.establishment_id),
        versions.key(versions.Kind.USER, scope.user_id),
    ]
    return (sorted(scope.habilitations), *versions.stamp(*keys))


def blog_list_for_reader(scope: Scope) -> QuerySet[Blog]:
    """Return the blogs the person reads, with their class and number of published posts (one query)."""
    published = Count("posts", filter=Q(posts__status=Post.Status.PUBLISHED))
    return (
        access.visible_blogs(scope)
        .select_related("school_class")
        .annotate(post_count=published)
        .order_by("title", "pk")
    )


def _with_counts(posts: QuerySet[Post], scope: Scope) -> QuerySet[Post]:
    visible = Q(comments__status=Comment.Status.VISIBLE)
    mine = Like.objects.filter(post_id=OuterRef("pk"), user_id=scope.user_id)
    return posts.select_related("author").annotate(
        comment_count=Count("comments", filter=visible, distinct=True),
        like_count=Count("likes", distinct=True),
        is_liked=Exists(mine),
    )


def blog_posts(scope: Scope, blog: Blog, *, cursor: str) -> KeysetPage[Post]:
    """Return a page of a blog's published posts, newest first, with counts (one query)."""
    posts = Post.objects.filter(blog=blog, status=Post.Status.PUBLISHED)
    return keyset_page(_with_counts(posts, scope), time_field="published_at", cursor=cursor, size=PAGE_SIZE)


def my_unpublished_posts(scope: Scope, blog: Blog) -> list[Post]:
    """Return the person's own drafts, waiting and refused posts on a blog (one query)."""
    posts = Post.objects.filter(blog=blog, author_id=scope.user_id).exclude(status=Post.Status.PUBLISHED)
    return list(posts.order_by("-updated_at", "-pk")[:PAGE_SIZE])


@dataclass
class PostPage:
    post: Post
    comments: list[Comment]
    documents: list[Any]
    is_moderator: bool
    can_comment: bool
    can_react: bool
    can_edit: bool


def post_page(scope: Scope, pk: int, *, documents_on: bool) -> PostPage:
    """Return one post with its comments and linked documents (a fixed number of queries)."""
    post = access.get_post(scope, pk)
    counted = _with_counts(Post.objects.filter(pk=post.pk), scope).values("like_count", "is_liked").first() or {}
    post.like_count = counted.get("like_count", 0)  # type: ignore[attr-defined]
    post.is_liked = counted.get("is_liked", False)  # type: ignore[attr-defined]
    moderator = access.is_moderator(scope, post.blog)
    comments = list(
        access.visible_comments(scope, post, moderator=moderator).select_related("author").order_by("created_at", "pk")
    )
    documents = list(post.linked_documents.order_by("name_key")) if documents_on else []
    can_edit = moderator or (post.author_id == scope.user_id and access.can_write_post(scope, post.blog))
    return PostPage(
        post=post,
        comments=comments,
        documents=documents,
        is_moderator=moderator,
        can_comment=access.can_comment(scope, post),
        can_react=access.can_react(scope, post),
        can_edit=can_edit,
    )


@dataclass
class Queue:
    posts: list[Post]
    comments: list[Comment]


def moderation_queue(scope: Scope, blog: Blog) -> Queue:
    """Return the posts waiting for validation and the comments waiting for moderation (two queries)."""
    posts = list(access.pending_posts(scope, blog).select_related("author").order_by("updated_at", "pk"))
    comments = list(
        Comment.objects.filter(post__blog=blog, status=Comment.Status.PENDING)
        .select_related("author", "post")
        .order_by("created_at", "pk")
    )
    return Queue(posts=posts, comments=comments)


def latest_posts(scope: Scope) -> list[Post]:
    """Return the few latest published posts of the blogs the person reads (one query)."""
    posts = Post.objects.filter(
        establishment_id=scope.establishment_id,
        status=Post.Status.PUBLISHED,
        blog_id__in=access.visible_blog_ids(scope),
    )
    return list(posts.select_related("blog").order_by("-published_at", "-pk")[:WIDGET_POSTS])
