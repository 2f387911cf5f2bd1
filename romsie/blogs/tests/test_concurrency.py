"""Moderators validating one post at once: it is published once, its readers told once.

Real requests from threads, each with its own connection, on PostgreSQL (the row lock of
``services.post_validate``); skipped on SQLite.
"""

from __future__ import annotations

from django.urls import reverse

from romsie.blogs.models import Post
from romsie.core.models import AuditEvent
from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql
from romsie.notifications.models import Notification

from .helpers import class_blog, make_post

pytestmark = committed_db

MODERATORS = ("teacher", "head", "school_life", "office", "digital_lead")


def test_concurrent_validations_of_one_post_publish_it_once(world, client_for):
    skip_unless_postgresql()
    a = world.a
    post = make_post(class_blog(a), author=a.student, status=Post.Status.PENDING)
    clients = [client_for(a.people[role]) for role in MODERATORS]
    url = reverse("blogs:post-validate", args=[post.pk])

    results = run_concurrently(len(clients), lambda i: clients[i].post(url))

    assert [r for r in results if isinstance(r, BaseException)] == []
    assert Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED
    assert AuditEvent.objects.filter(action="blogs.post_validate").count() == 1
    assert Notification.objects.filter(kind="blogs.post_validated", recipient=a.student).count() == 1
    assert Notification.objects.filter(kind="blogs.post_published", recipient=a.parent).count() == 1
