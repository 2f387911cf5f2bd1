"""Permission-matrix rows of the blogs service, for ``tests/test_permission_matrix.py``.

Object kinds: ``own`` (a blog of the first class of establishment ``a``, owned by its teacher,
students may write, read by the class's students, parents and teachers; a post published by
the teacher, a post of the student waiting for validation, a comment waiting for moderation)
and ``other`` (the same in establishment ``c``: 404 to everybody). Head, school life, office
and digital lead moderate every class blog; the librarian, the after-school staff and the
partner are not among the class blog's readers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.blogs.models import Comment, Post
from romsie.core.testing.world import World

from .helpers import class_blog, make_comment, make_post

# url name                                  object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
blogs:blog-list                             -      | 302  200  200  200  200  200  200  200  200  200  200  403
blogs:blog-create                           -      | 302  403  403  200  403  200  200  403  200  403  200  403
blogs:blog-detail                           own    | 302  200  200  200  404  200  200  404  200  404  200  403
blogs:blog-detail                           other  | 302  404  404  404  404  404  404  404  404  404  404  403
blogs:blog-settings                         own    | 302  404  404  200  404  200  200  404  200  404  200  403
blogs:blog-settings                         other  | 302  404  404  404  404  404  404  404  404  404  404  403
blogs:blog-queue                            own    | 302  404  404  200  404  200  200  404  200  404  200  403
blogs:blog-queue                            other  | 302  404  404  404  404  404  404  404  404  404  404  403
blogs:post-create                           own    | 302  200  404  200  404  200  200  404  200  404  200  403
blogs:post-create                           other  | 302  404  404  404  404  404  404  404  404  404  404  403
blogs:post-detail                           own    | 302  200  200  200  404  200  200  404  200  404  200  403
blogs:post-detail                           other  | 302  404  404  404  404  404  404  404  404  404  404  403
blogs:post-update                           own    | 302  404  404  200  404  200  200  404  200  404  200  403
blogs:post-update                           other  | 302  404  404  404  404  404  404  404  404  404  404  403
blogs:post-delete                           own    | 302  404  404  200  404  200  200  404  200  404  200  403
blogs:post-delete                           other  | 302  404  404  404  404  404  404  404  404  404  404  403
blogs:post-validate                         own    | 302  405  405  405  405  405  405  405  405  405  405  403
blogs:post-validate                         other  | 302  405  405  405  405  405  405  405  405  405  405  403
blogs:post-refuse                           own    | 302  404  404  200  404  200  200  404  200  404  200  403
blogs:post-refuse                           other  | 302  404  404  404  404  404  404  404  404  404  404  403
blogs:comment-create                        own    | 302  405  405  405  405  405  405  405  405  405  405  403
blogs:comment-create                        other  | 302  405  405  405  405  405  405  405  405  405  405  403
blogs:post-like                             own    | 302  405  405  405  405  405  405  405  405  405  405  403
blogs:post-like                             other  | 302  405  405  405  405  405  405  405  405  405  405  403
blogs:comment-approve                       own    | 302  405  405  405  405  405  405  405  405  405  405  403
blogs:comment-approve                       other  | 302  405  405  405  405  405  405  405  405  405  405  403
blogs:comment-hide                          own    | 302  405  405  405  405  405  405  405  405  405  405  403
blogs:comment-hide                          other  | 302  405  405  405  405  405  405  405  405  405  405  403
"""

# url name                                  object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
blogs:blog-create                           -      | 302  403  403  200  403  200  200  403  200  403  200  403
blogs:blog-settings                         own    | 302  404  404  200  404  200  200  404  200  404  200  403
blogs:blog-settings                         other  | 302  404  404  404  404  404  404  404  404  404  404  403
blogs:post-create                           own    | 302  200  404  200  404  200  200  404  200  404  200  403
blogs:post-create                           other  | 302  404  404  404  404  404  404  404  404  404  404  403
blogs:post-update                           own    | 302  404  404  200  404  200  200  404  200  404  200  403
blogs:post-update                           other  | 302  404  404  404  404  404  404  404  404  404  404  403
blogs:post-delete                           own    | 302  404  404  302+ 404  302+ 302+ 404  302+ 404  302+ 403
blogs:post-delete                           other  | 302  404  404  404  404  404  404  404  404  404  404  403
blogs:post-validate                         own    | 302  404  404  302+ 404  302+ 302+ 404  302+ 404  302+ 403
blogs:post-validate                         other  | 302  404  404  404  404  404  404  404  404  404  404  403
blogs:post-refuse                           own    | 302  404  404  302+ 404  302+ 302+ 404  302+ 404  302+ 403
blogs:post-refuse                           other  | 302  404  404  404  404  404  404  404  404  404  404  403
blogs:comment-create                        own    | 302  302+ 302+ 302+ 404  302+ 302+ 404  302+ 404  302+ 403
blogs:comment-create                        other  | 302  404  404  404  404  404  404  404  404  404  404  403
blogs:post-like                             own    | 302  302+ 302+ 302+ 404  302+ 302+ 404  302+ 404  302+ 403
blogs:post-like                             other  | 302  404  404  404  404  404  404  404  404  404  404  403
blogs:comment-approve                       own    | 302  404  404  302+ 404  302+ 302+ 404  302+ 404  302+ 403
blogs:comment-approve                       other  | 302  404  404  404  404  404  404  404  404  404  404  403
blogs:comment-hide                          own    | 302  404  404  302+ 404  302+ 302+ 404  302+ 404  302+ 403
blogs:comment-hide                          other  | 302  404  404  404  404  404  404  404  404  404  404  403
"""


def _place(world: World, which: str) -> Any:
    return world.a if which == "own" else world.c


def _blog(world: World, which: str) -> dict[str, Any]:
    return {"pk": class_blog(_place(world, which)).pk}


def _published(world: World, which: str) -> dict[str, Any]:
    place = _place(world, which)
    return {"pk": make_post(class_blog(place), author=place.teacher).pk}


def _pending(world: World, which: str) -> dict[str, Any]:
    place = _place(world, which)
    return {"pk": make_post(class_blog(place), author=place.student, status=Post.Status.PENDING).pk}


def _comment(world: World, which: str) -> dict[str, Any]:
    place = _place(world, which)
    post = make_post(class_blog(place), author=place.teacher)
    return {"pk": make_comment(post, author=place.parent, status=Comment.Status.PENDING).pk}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "blogs:blog-detail": _blog,
    "blogs:blog-settings": _blog,
    "blogs:blog-queue": _blog,
    "blogs:post-create": _blog,
    "blogs:post-detail": _published,
    "blogs:post-update": _published,
    "blogs:post-delete": _published,
    "blogs:post-validate": _pending,
    "blogs:post-refuse": _pending,
    "blogs:comment-create": _published,
    "blogs:post-like": _published,
    "blogs:comment-approve": _comment,
    "blogs:comment-hide": _comment,
}

POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "blogs:post-refuse": lambda world, which: {"reason": "Hors sujet"},
    "blogs:comment-create": lambda world, which: {"body": "Très beau travail !"},
}
