"""Builders of blog objects for the tests, kept in one establishment."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from romsie.blogs.models import Blog, Comment, Post
from romsie.core.testing.world import EstablishmentWorld
from romsie.identity.models import User
from romsie.schooling import audiences
from romsie.schooling.audiences import AudienceChoice


def class_blog(place: EstablishmentWorld, **fields: Any) -> Blog:
    """A blog of the place's class, owned by its teacher, read by the class's families and teachers."""
    fields.setdefault("students_may_write", True)
    blog = Blog.objects.create(
        establishment=place.establishment,
        kind=Blog.Kind.CLASS,
        title=fields.pop("title", "Le blog de la classe"),
        school_class=fields.pop("school_class", place.school_class),
        owner=fields.pop("owner", place.teacher),
        **fields,
    )
    roles = (audiences.STUDENTS, audiences.PARENTS, audiences.TEACHERS)
    audiences.audience_apply(blog, AudienceChoice.of(roles, classes=[blog.school_class_id or 0]))
    return blog


def make_post(blog: Blog, *, author: User, status: str = Post.Status.PUBLISHED, **fields: Any) -> Post:
    return Post.objects.create(
        establishment_id=blog.establishment_id,
        blog=blog,
        author=author,
        title=fields.pop("title", "Notre sortie au musée"),
        body=fields.pop("body", "<p>Nous avons vu des tableaux.</p>"),
        status=status,
        published_at=timezone.now() if status == Post.Status.PUBLISHED else None,
        **fields,
    )


def make_comment(post: Post, *, author: User, status: str = Comment.Status.VISIBLE, body: str = "Bravo !") -> Comment:
    return Comment.objects.create(
        establishment_id=post.establishment_id, post=post, author=author, body=body, status=status
    )
