"""Who reads, writes and moderates blogs; who sees posts and comments.

* Everything is of the current establishment only: another establishment's blog is not found (404).
* A blog is read by its audience (``schooling.audiences``: roles narrowed to levels and classes;
  a class blog's default audience is the class's students, their guardians and its teachers),
  by its named authors and by its moderators.
* The moderators of a blog are its owner; for a class blog, the teachers of the class (holding
  ``blogs.manage``); for class and establishment blogs, the holders of ``blogs.manage_establishment``.
* Moderators and named authors write posts. A student writes only where the blog lets students
  write and they are in the blog's class (this school year) or a named author.
* A post is seen by the blog's readers once published. Until then (a draft, waiting for
  validation, refused) only its author sees it; the moderators also see those waiting and refused.
* Comments: readers see the visible ones and their own waiting ones; moderators see all.
* Losing one's role, class or authorship loses the access at once: nothing is copied.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from romsie.core.access.lookup import first_or_404, found_or_404
from romsie.core.access.scope import Scope
from romsie.identity.models import Role, RoleAssignment, User
from romsie.schooling import audiences
from romsie.schooling.access import current_class_ids
from romsie.schooling.models import SchoolClass
from romsie.schooling.social import SocialFeature, allows

from .habilitations import BlogHabilitation
from .models import Blog, BlogAuthor, Comment, Post


def _union(parts: list[QuerySet[Any, Any]]) -> QuerySet[Any, Any]:
    if not parts:
        return Blog.objects.none().values("pk")
    first, *others = parts
    return first.union(*others) if others else first


def _moderated_parts(scope: Scope) -> list[QuerySet[Any, Any]]:
    base = Blog.objects.filter(establishment_id=scope.establishment_id)
    parts = [base.filter(owner_id=scope.user_id)]
    if scope.has(BlogHabilitation.MANAGE):
        taught = audiences.taught_class_ids(scope.establishment_id, scope.user_id)
        parts.append(base.filter(kind=Blog.Kind.CLASS, school_class_id__in=taught))
    if scope.has(BlogHabilitation.MANAGE_ESTABLISHMENT):
        parts.append(base.filter(kind__in=[Blog.Kind.CLASS, Blog.Kind.ESTABLISHMENT]))
    return [part.values("pk").order_by() for part in parts]


def moderated_blog_ids(scope: Scope) -> QuerySet[Any, Any]:
    """Return the ids of the blogs the person moderates, as a subquery."""
    if scope.establishment_id is None or not scope.has(BlogHabilitation.READ):
        return Blog.objects.none().values("pk")
    return _union(_moderated_parts(scope))


def visible_blog_ids(scope: Scope) -> QuerySet[Any, Any]:
    """Return the ids of the blogs the person reads (audience, authorship, moderation), as a subquery."""
    if scope.establishment_id is None or not scope.has(BlogHabilitation.READ):
        return Blog.objects.none().values("pk")
    authored = BlogAuthor.objects.filter(establishment_id=scope.establishment_id, user_id=scope.user_id)
    parts = [
        *audiences.audience_parts(Blog, scope),
        *_moderated_parts(scope),
        authored.values("blog_id").order_by(),
    ]
    return _union(parts)


def visible_blogs(scope: Scope) -> QuerySet[Blog]:
    """Return the blogs the person reads."""
    if scope.establishment_id is None:
        return Blog.objects.none()
    return Blog.objects.filter(establishment_id=scope.establishment_id, pk__in=visible_blog_ids(scope))


def moderated_blogs(scope: Scope) -> QuerySet[Blog]:
    """Return the blogs the person moderates (settings, validation queue, comments)."""
    if scope.establishment_id is None:
        return Blog.objects.none()
    return Blog.objects.filter(establishment_id=scope.establishment_id, pk__in=moderated_blog_ids(scope))


def get_blog(scope: Scope, pk: int) -> Blog:
    """Return one blog the person reads, or raise 404."""
    return first_or_404(visible_blogs(scope).filter(pk=pk))


def get_moderated_blog(scope: Scope, pk: int) -> Blog:
    """Return one blog the person moderates, or raise 404."""
    return first_or_404(moderated_blogs(scope).filter(pk=pk))


def is_moderator(scope: Scope, blog: Blog) -> bool:
    """Tell whether the person moderates the blog (one query)."""
    return moderated_blogs(scope).filter(pk=blog.pk).exists()


def can_write_post(scope: Scope, blog: Blog) -> bool:
    """Tell whether the person may write posts on a blog they read (one or two queries)."""
    if scope.establishment_id != blog.establishment_id or not scope.has(BlogHabilitation.READ):
        return False
    if scope.is_student:
        if not blog.students_may_write:
            return False
        in_class = blog.school_class_id is not None and (
            SchoolClass.objects.filter(
                pk=blog.school_class_id, pk__in=current_class_ids(blog.establishment_id, scope.user_id or 0)
            ).exists()
        )
        return in_class or BlogAuthor.objects.filter(blog=blog, user_id=scope.user_id).exists()
    if BlogAuthor.objects.filter(blog=blog, user_id=scope.user_id).exists():
        return True
    return is_moderator(scope, blog)


def get_writable_blog(scope: Scope, pk: int) -> Blog:
    """Return one blog the person reads and may write posts on, or raise 404."""
    blog = get_blog(scope, pk)
    return found_or_404(blog if can_write_post(scope, blog) else None)


def needs_validation(scope: Scope, blog: Blog) -> bool:
    """Tell whether the person's posts on this blog wait for a moderator's validation.

    A student's do when the blog asks for it, and always when posting for other students is
    switched off for their level (``schooling.social``).
    """
    if not scope.is_student:
        return False
    return blog.validates_student_posts or not allows(scope, SocialFeature.STUDENT_POSTS)


def visible_posts(scope: Scope) -> QuerySet[Post]:
    """Return the posts the person may open: published ones of blogs they read, their own,
    and those waiting or refused on blogs they moderate."""
    if scope.establishment_id is None or not scope.has(BlogHabilitation.READ):
        return Post.objects.none()
    base = Post.objects.filter(establishment_id=scope.establishment_id)
    readable = visible_blog_ids(scope)
    parts = [
        base.filter(status=Post.Status.PUBLISHED, blog_id__in=readable),
        base.filter(author_id=scope.user_id, blog_id__in=readable),
        base.filter(status__in=[Post.Status.PENDING, Post.Status.REFUSED], blog_id__in=moderated_blog_ids(scope)),
    ]
    first, *others = [part.values("pk").order_by() for part in parts]
    return base.filter(pk__in=first.union(*others))


def get_post(scope: Scope, pk: int) -> Post:
    """Return one post the person may open, or raise 404."""
    return first_or_404(visible_posts(scope).select_related("blog", "author").filter(pk=pk))


def get_editable_post(scope: Scope, pk: int) -> Post:
    """Return one of the person's own posts they may still edit (on a blog they still write on), or 404."""
    post = get_post(scope, pk)
    mine = post.author_id == scope.user_id and can_write_post(scope, post.blog)
    return found_or_404(post if mine or is_moderator(scope, post.blog) else None)


def get_moderated_post(scope: Scope, pk: int) -> Post:
    """Return one post of a blog the person moderates, or raise 404."""
    posts = Post.objects.filter(establishment_id=scope.establishment_id, blog_id__in=moderated_blog_ids(scope))
    return first_or_404(posts.exclude(status=Post.Status.DRAFT).select_related("blog", "author").filter(pk=pk))


def pending_posts(scope: Scope, blog: Blog) -> QuerySet[Post]:
    """Return the posts waiting for validation on a blog (the caller checked it is moderated)."""
    return Post.objects.filter(blog=blog, status=Post.Status.PENDING)


def visible_comments(scope: Scope, post: Post, *, moderator: bool) -> QuerySet[Comment]:
    """Return the comments of a post the person sees: all for a moderator, else the visible ones
    and their own waiting ones."""
    comments = Comment.objects.filter(post=post)
    if moderator:
        return comments
    return comments.filter(Q(status=Comment.Status.VISIBLE) | Q(status=Comment.Status.PENDING, author_id=scope.user_id))


def can_comment(scope: Scope, post: Post) -> bool:
    """Tell whether the person may comment on a post they see (no query)."""
    return (
        post.status == Post.Status.PUBLISHED
        and post.blog.comments != Blog.Comments.OFF
        and allows(scope, SocialFeature.COMMENTS)
    )


def can_react(scope: Scope, post: Post) -> bool:
    """Tell whether the person may like a post they see (no query)."""
    return post.status == Post.Status.PUBLISHED and allows(scope, SocialFeature.REACTIONS)


def get_moderated_comment(scope: Scope, pk: int) -> Comment:
    """Return one comment of a blog the person moderates, or raise 404."""
    comments = Comment.objects.filter(
        establishment_id=scope.establishment_id, post__blog_id__in=moderated_blog_ids(scope)
    )
    return first_or_404(comments.select_related("post", "post__blog").filter(pk=pk))


# Creating blogs


def creatable_kinds(scope: Scope) -> list[str]:
    """Return the kinds of blog the person may create."""
    kinds: list[str] = []
    if scope.establishment_id is None:
        return kinds
    if scope.has(BlogHabilitation.MANAGE) or scope.has(BlogHabilitation.MANAGE_ESTABLISHMENT):
        kinds += [Blog.Kind.CLASS, Blog.Kind.PROJECT]
    if scope.has(BlogHabilitation.MANAGE_ESTABLISHMENT):
        kinds.append(Blog.Kind.ESTABLISHMENT)
    return kinds


def creatable_classes(scope: Scope) -> QuerySet[SchoolClass]:
    """Return the current classes the person may create a class blog for."""
    current = SchoolClass.objects.filter(establishment_id=scope.establishment_id, school_year__is_current=True)
    if scope.has(BlogHabilitation.MANAGE_ESTABLISHMENT):
        return current
    if scope.has(BlogHabilitation.MANAGE):
        return current.filter(pk__in=audiences.taught_class_ids(scope.establishment_id, scope.user_id))
    return SchoolClass.objects.none()


def choosable_authors(scope: Scope) -> QuerySet[User]:
    """Return the people who may be named authors: the establishment's students, teachers and staff."""
    members = RoleAssignment.objects.filter(
        establishment_id=scope.establishment_id, is_active=True, role__in=[Role.STUDENT, Role.TEACHER, Role.STAFF]
    ).values("user_id")
    return User.objects.filter(is_active=True, pk__in=members)
