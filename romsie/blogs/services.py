"""Writes of the blogs service: blogs and their settings, posts, validation, comments, likes."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.richtext import clean_rich_text, has_text
from romsie.core.services import audit_record
from romsie.documents import sharing as document_sharing
from romsie.identity.models import User
from romsie.notifications.services import notify
from romsie.schooling import audiences
from romsie.schooling.audiences import AudienceChoice

from . import access
from .models import Blog, BlogAuthor, Comment, Like, Post

KIND_POST_PUBLISHED = "blogs.post_published"
KIND_POST_VALIDATED = "blogs.post_validated"
KIND_POST_REFUSED = "blogs.post_refused"


def _changed(establishment_id: int | None) -> None:
    """The dashboard's cached "latest posts" of the establishment show the change at once."""
    transaction.on_commit(lambda: versions.bump(versions.Kind.BLOGS, establishment_id))


CLASS_READERS = (audiences.STUDENTS, audiences.PARENTS, audiences.TEACHERS)


@dataclass
class BlogData:
    """What the owner chooses for a blog."""

    title: str
    description: str = ""
    students_may_write: bool = False
    validates_student_posts: bool = True
    comments: str = Blog.Comments.BEFORE
    audience: AudienceChoice | None = None  # None: the kind's default readers
    author_ids: list[int] = field(default_factory=list)


def _apply_settings(blog: Blog, data: BlogData) -> None:
    blog.title = data.title.strip()
    blog.description = data.description.strip()
    blog.students_may_write = data.students_may_write
    blog.validates_student_posts = data.validates_student_posts
    if data.comments not in Blog.Comments.values:
        raise ApplicationError(_("Choose how comments are moderated."), extra={"reason": "comments"})
    blog.comments = data.comments


def _set_authors(scope: Scope, blog: Blog, author_ids: list[int]) -> None:
    wanted = set(author_ids)
    allowed = set(access.choosable_authors(scope).filter(pk__in=wanted).values_list("pk", flat=True))
    if allowed != wanted:
        raise ApplicationError(_("Some of the people chosen cannot be authors; remove them and try again."))
    BlogAuthor.objects.filter(blog=blog).exclude(user_id__in=wanted).delete()
    wanted -= set(BlogAuthor.objects.filter(blog=blog).values_list("user_id", flat=True))
    BlogAuthor.objects.bulk_create(
        [BlogAuthor(establishment_id=blog.establishment_id, blog=blog, user_id=pk) for pk in sorted(wanted)]
    )


def _default_audience(blog: Blog) -> AudienceChoice:
    if blog.kind == Blog.Kind.CLASS:
        return AudienceChoice.of(CLASS_READERS, classes=[blog.school_class_id or 0])
    return AudienceChoice.of(audiences.ROLES)


@transaction.atomic
def blog_create(*, scope: Scope, kind: str, data: BlogData, school_class_id: int | None = None) -> Blog:
    """Create a blog of a kind the person may create; a class blog for a class they may choose.

    Without a chosen audience, a class blog is read by the class's students, their guardians and
    its teachers; a project or establishment blog by everyone of the establishment.
    """
    if kind not in access.creatable_kinds(scope):
        raise ApplicationError(_("You may not create this kind of blog."), extra={"reason": "kind"})
    if kind == Blog.Kind.CLASS:
        if school_class_id is None or not access.creatable_classes(scope).filter(pk=school_class_id).exists():
            raise ApplicationError(_("Choose one of your classes."), extra={"reason": "class"})
    else:
        school_class_id = None
    blog = Blog(
        establishment_id=scope.establishment_id, kind=kind, school_class_id=school_class_id, owner_id=scope.user_id
    )
    _apply_settings(blog, data)
    blog.save()
    audiences.audience_apply(blog, data.audience or _default_audience(blog))
    if kind == Blog.Kind.PROJECT:
        _set_authors(scope, blog, data.author_ids)
    audit_record(scope=scope, action="blogs.create", target=blog, blog=blog.pk)
    _changed(blog.establishment_id)
    return blog


@transaction.atomic
def blog_update(*, scope: Scope, blog: Blog, data: BlogData, version: int | None) -> Blog:
    """Change a blog's settings (a moderator); refused (``StaleEdit``) if someone saved since."""
    claim_version(blog, version)
    _apply_settings(blog, data)
    blog.save()
    if data.audience is not None:
        audiences.audience_apply(blog, data.audience)
    if blog.kind == Blog.Kind.PROJECT:
        _set_authors(scope, blog, data.author_ids)
    audit_record(scope=scope, action="blogs.update", target=blog, blog=blog.pk)
    _changed(blog.establishment_id)
    return blog


@dataclass
class PostData:
    """What an author writes."""

    title: str
    body: str
    documents: list[int] | None = None  # files linked from the author's documents; None: unchanged


def _readers(blog: Blog) -> list[int]:
    return list(
        User.objects.filter(is_active=True, pk__in=audiences.audience_people(blog)).values_list("pk", flat=True)
    )


def _publish(post: Post) -> None:
    """Publish now: grant the linked files to the readers and notify them (bulk)."""
    post.status = Post.Status.PUBLISHED
    post.published_at = timezone.now()
    post.refusal_reason = ""
    post.save(update_fields=["status", "published_at", "refusal_reason", "updated_at"])
    readers = _readers(post.blog)
    linked = list(post.linked_documents.all())
    if linked:
        document_sharing.links_grant(
            establishment_id=post.establishment_id, granted_by_id=post.author_id, nodes=linked, user_ids=readers
        )
    notify(
        KIND_POST_PUBLISHED,
        readers,
        params={"title": post.title, "blog": post.blog.title},
        url=reverse("blogs:post-detail", args=[post.pk]),
        establishment_id=post.establishment_id,
        actor_id=post.author_id,
    )


@transaction.atomic
def post_save(
    *, scope: Scope, blog: Blog, data: PostData, submit: bool, post: Post | None = None, version: int | None = None
) -> Post:
    """Write or edit a post: a draft, or submitted (published, or waiting for validation).

    A student's post waits for validation when the blog asks for it or their level does not
    allow students' posts; an edit of a published post by a student who needs validation puts it
    back in the queue. An edit is refused (``StaleEdit``) unless ``version`` is still the post's.
    """
    if not access.can_write_post(scope, blog) and not (post is not None and access.is_moderator(scope, blog)):
        raise ApplicationError(_("You may not write on this blog."), extra={"reason": "not a writer"})
    body = clean_rich_text(data.body)
    if not has_text(body) or not data.title.strip():
        raise ApplicationError(_("A post needs a title and a text."), extra={"reason": "empty"})
    linked = document_sharing.links_check(scope=scope, node_ids=data.documents) if data.documents is not None else None
    creating = post is None
    if post is None:
        post = Post(establishment_id=blog.establishment_id, blog=blog, author_id=scope.user_id)
    else:
        claim_version(post, version)
    post.title = data.title.strip()
    post.body = body
    was_published = post.status == Post.Status.PUBLISHED
    waits = access.needs_validation(scope, blog)
    if not submit:
        post.status = Post.Status.DRAFT if not was_published else post.status
    elif waits:
        post.status = Post.Status.PENDING
    post.save()
    if linked is not None:
        post.linked_documents.set(linked)
    audit_record(
        scope=scope, action="blogs.post_create" if creating else "blogs.post_update", target=post, post=post.pk
    )
    _changed(post.establishment_id)
    if submit and not waits:
        if was_published:
            if linked:
                document_sharing.links_grant(
                    establishment_id=post.establishment_id,
                    granted_by_id=post.author_id,
                    nodes=linked,
                    user_ids=_readers(blog),
                )
        else:
            _publish(post)
    return post


@transaction.atomic
def post_validate(*, scope: Scope, post: Post) -> Post:
    """Publish a post waiting for validation (a moderator); its author is told."""
    if post.status != Post.Status.PENDING:
        raise ApplicationError(_("This post is not waiting for validation."), extra={"reason": "not pending"})
    locked = Post.objects.select_for_update().get(pk=post.pk)
    if locked.status != Post.Status.PENDING:
        raise ApplicationError(_("This post is not waiting for validation."), extra={"reason": "not pending"})
    _publish(post)
    audit_record(scope=scope, action="blogs.post_validate", target=post, post=post.pk)
    _changed(post.establishment_id)
    if post.author_id is not None:
        notify(
            KIND_POST_VALIDATED,
            [post.author_id],
            params={"title": post.title, "blog": post.blog.title},
            url=reverse("blogs:post-detail", args=[post.pk]),
            establishment_id=post.establishment_id,
            actor_id=scope.user_id,
        )
    return post


@transaction.atomic
def post_refuse(*, scope: Scope, post: Post, reason: str) -> Post:
    """Refuse a post waiting for validation, with a reason its author reads (a moderator)."""
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Say why the post is refused."), extra={"reason": "no reason"})
    locked = Post.objects.select_for_update().get(pk=post.pk)
    if locked.status != Post.Status.PENDING:
        raise ApplicationError(_("This post is not waiting for validation."), extra={"reason": "not pending"})
    post.status = Post.Status.REFUSED
    post.refusal_reason = reason[:500]
    post.save(update_fields=["status", "refusal_reason", "updated_at"])
    audit_record(scope=scope, action="blogs.post_refuse", target=post, post=post.pk, reason=post.refusal_reason)
    if post.author_id is not None:
        notify(
            KIND_POST_REFUSED,
            [post.author_id],
            params={"title": post.title, "reason": post.refusal_reason},
            url=reverse("blogs:post-detail", args=[post.pk]),
            establishment_id=post.establishment_id,
            actor_id=scope.user_id,
        )
    return post


@transaction.atomic
def post_delete(*, scope: Scope, post: Post) -> None:
    """Delete a post with its comments (its author or a moderator)."""
    audit_record(scope=scope, action="blogs.post_delete", target=post, post=post.pk)
    _changed(post.establishment_id)
    post.delete()


@transaction.atomic
def comment_add(*, scope: Scope, post: Post, body: str, moderator: bool) -> Comment:
    """Comment on a published post: visible at once, or waiting when the blog moderates before."""
    if not access.can_comment(scope, post):
        raise ApplicationError(_("Comments are closed here."), extra={"reason": "comments closed"})
    body = body.strip()
    if not body:
        raise ApplicationError(_("The comment is empty."), extra={"reason": "empty"})
    waits = post.blog.comments == Blog.Comments.BEFORE and not moderator
    return Comment.objects.create(
        establishment_id=post.establishment_id,
        post=post,
        author_id=scope.user_id,
        body=body[:2000],
        status=Comment.Status.PENDING if waits else Comment.Status.VISIBLE,
    )


@transaction.atomic
def comment_moderate(*, scope: Scope, comment: Comment, approve: bool) -> Comment:
    """Approve (show) or hide a comment (a moderator of its blog); audited."""
    comment.status = Comment.Status.VISIBLE if approve else Comment.Status.HIDDEN
    comment.save(update_fields=["status"])
    audit_record(
        scope=scope,
        action="blogs.comment_approve" if approve else "blogs.comment_hide",
        target=comment,
        comment=comment.pk,
        post=comment.post_id,
    )
    return comment


@transaction.atomic
def post_like_toggle(*, scope: Scope, post: Post) -> bool:
    """Like a post, or take the like back; return whether the person now likes it."""
    if not access.can_react(scope, post):
        raise ApplicationError(_("Reactions are switched off here."), extra={"reason": "reactions off"})
    removed, _details = Like.objects.filter(post=post, user_id=scope.user_id).delete()
    if removed:
        return False
    Like.objects.bulk_create(
        [Like(establishment_id=post.establishment_id, post=post, user_id=scope.user_id)], ignore_conflicts=True
    )
    return True
