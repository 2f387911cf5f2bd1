"""Exact query counts of the blog pages: the same with 1 and 50 posts or comments."""

from __future__ import annotations

import pytest
from django.urls import reverse

from romsie.blogs.models import Blog, Comment, Post
from romsie.core import versions

from .helpers import class_blog, make_post

# Session and user, then: the blog (gate), its page of posts with their counts (one query),
# whether the person writes there (named author, or the student's class) and moderates it
# (twice: once to write, once for the buttons), their unpublished posts (writers only).
BLOG_PAGE = {"parent": 7, "teacher": 8, "student": 7}


@pytest.mark.parametrize("role", ["parent", "teacher", "student"])
def test_a_blog_page_costs_the_same_with_1_and_50_posts(world, client_for, django_assert_num_queries, role):
    a = world.a
    blog = class_blog(a)
    client = client_for(a.people[role])
    url = reverse("blogs:blog-detail", args=[blog.pk])
    for count in (1, 50):
        missing = count - Post.objects.count()
        Post.objects.bulk_create(
            [Post(establishment=a.establishment, blog=blog, author=a.teacher, title=f"Billet {i}", body="<p>x</p>",
                  status=Post.Status.PUBLISHED, published_at=blog.created_at) for i in range(missing)]
        )  # fmt: skip
        client.get(url)  # warm the scope's cache
        with django_assert_num_queries(BLOG_PAGE[role]):
            assert client.get(url).status_code == 200


# Session and user, the post (gate), its likes, moderation, comments, linked documents.
POST_PAGE = 7


def test_a_post_page_costs_the_same_with_1_and_50_comments(world, client_for, django_assert_num_queries):
    a = world.a
    post = make_post(class_blog(a, comments=Blog.Comments.AFTER), author=a.teacher)
    client = client_for(a.parent)
    url = reverse("blogs:post-detail", args=[post.pk])
    for count in (1, 50):
        Comment.objects.bulk_create(
            [Comment(establishment=a.establishment, post=post, author=a.parent, body=f"Merci {i}",
                     status=Comment.Status.VISIBLE) for i in range(count - Comment.objects.count())]
        )  # fmt: skip
        client.get(url)
        with django_assert_num_queries(POST_PAGE):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("blogs", [1, 50])
def test_the_list_of_blogs_costs_the_same_with_1_and_50_blogs(world, client_for, django_assert_num_queries, blogs):
    a = world.a
    for i in range(blogs):
        class_blog(a, title=f"Blog {i}")
    client = client_for(a.parent)
    client.get(reverse("blogs:blog-list"))  # warm the scope's cache (and the list)
    versions.bump(versions.Kind.BLOGS, a.establishment.pk)  # as a new blog or a published post does
    with django_assert_num_queries(3):  # session, user, the blogs with their counts
        response = client.get(reverse("blogs:blog-list"))
    assert response.content.decode().count('class="card"') == blogs
    with django_assert_num_queries(2):  # nothing changed: the list comes from the cache
        again = client.get(reverse("blogs:blog-list"))
    assert again.content.decode().count('class="card"') == blogs
