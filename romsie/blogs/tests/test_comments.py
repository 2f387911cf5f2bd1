"""Comments and likes: moderated before or after publication, gated by the level's social features."""

from __future__ import annotations

from django.urls import reverse

from romsie.blogs.models import Blog, Comment, Like
from romsie.core.models import AuditEvent
from romsie.core.testing.editing import page_text

from .helpers import class_blog, make_comment, make_post


def comment(client, post, body="Bravo à toute la classe !"):
    return client.post(reverse("blogs:comment-create", args=[post.pk]), {"body": body})


def test_a_comment_moderated_before_shows_only_once_approved(world, client_for):
    a = world.a
    post = make_post(class_blog(a, comments=Blog.Comments.BEFORE), author=a.teacher)
    assert comment(client_for(a.parent), post).status_code == 302
    waiting = Comment.objects.get()
    assert waiting.status == Comment.Status.PENDING
    detail = reverse("blogs:post-detail", args=[post.pk])
    assert "Bravo à toute la classe" in page_text(client_for(a.parent).get(detail))  # its author sees it
    assert "Bravo à toute la classe" not in page_text(client_for(a.student).get(detail))
    assert "Bravo à toute la classe" in page_text(
        client_for(a.teacher).get(reverse("blogs:blog-queue", args=[post.blog_id]))
    )
    assert client_for(a.teacher).post(reverse("blogs:comment-approve", args=[waiting.pk])).status_code == 302
    assert "Bravo à toute la classe" in page_text(client_for(a.student).get(detail))
    assert AuditEvent.objects.filter(action="blogs.comment_approve", actor=a.teacher).count() == 1


def test_a_comment_moderated_after_shows_at_once_and_a_moderator_hides_it(world, client_for):
    a = world.a
    post = make_post(class_blog(a, comments=Blog.Comments.AFTER), author=a.teacher)
    comment(client_for(a.student), post, "Trop bien")
    shown = Comment.objects.get()
    detail = reverse("blogs:post-detail", args=[post.pk])
    assert shown.status == Comment.Status.VISIBLE
    assert "Trop bien" in page_text(client_for(a.parent).get(detail))
    client_for(a.teacher).post(reverse("blogs:comment-hide", args=[shown.pk]))
    assert "Trop bien" not in page_text(client_for(a.parent).get(detail))
    assert AuditEvent.objects.filter(action="blogs.comment_hide", actor=a.teacher).count() == 1


def test_nobody_comments_where_comments_are_off(world, client_for):
    a = world.a
    post = make_post(class_blog(a, comments=Blog.Comments.OFF), author=a.teacher)
    comment(client_for(a.parent), post)
    assert not Comment.objects.exists()
    assert 'name="body"' not in page_text(client_for(a.parent).get(reverse("blogs:post-detail", args=[post.pk])))


def test_a_primary_pupil_may_not_comment_but_their_parent_may(world, client_for):
    b = world.b  # an elementary school: comments off for pupils by default
    post = make_post(class_blog(b), author=b.teacher)
    detail = reverse("blogs:post-detail", args=[post.pk])
    assert 'name="body"' not in page_text(client_for(b.student).get(detail))
    comment(client_for(b.student), post)
    assert not Comment.objects.exists()
    comment(client_for(b.parent), post)
    assert Comment.objects.get().author_id == b.parent.pk


def test_a_reader_who_is_not_a_moderator_may_not_approve_a_comment(world, client_for):
    a = world.a
    post = make_post(class_blog(a), author=a.teacher)
    waiting = make_comment(post, author=a.parent, status=Comment.Status.PENDING)
    assert client_for(a.student).post(reverse("blogs:comment-approve", args=[waiting.pk])).status_code == 404
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_a_like_is_toggled_and_refused_to_primary_pupils(world, client_for):
    a, b = world.a, world.b
    post = make_post(class_blog(a), author=a.teacher)
    url = reverse("blogs:post-like", args=[post.pk])
    client_for(a.student).post(url)
    assert Like.objects.filter(post=post, user=a.student).count() == 1
    client_for(a.student).post(url)
    assert not Like.objects.exists()
    primary = make_post(class_blog(b), author=b.teacher)
    client_for(b.student).post(reverse("blogs:post-like", args=[primary.pk]))
    assert not Like.objects.exists()
