"""The demo forums: the establishment's forum and a class forum in a collège, nothing in a primary school."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from romsie.core.testing.world import World
from romsie.forums import demo
from romsie.forums.models import Forum, Reply, Topic


def test_the_demo_opens_forums_in_secondary_schools_only(forum_world: World, client_for: Any) -> None:
    a, b = forum_world.a, forum_world.b
    rows = demo.populate([a.establishment.pk, b.establishment.pk], seed=1)
    assert rows > 20
    school = Forum.objects.get(establishment=a.establishment, kind=Forum.Kind.ESTABLISHMENT)
    assert school.categories.count() == len(demo.CATEGORIES)
    assert Topic.objects.filter(forum=school).count() == len(demo.TOPICS)
    assert Topic.objects.filter(forum=school, is_pinned=True, is_locked=True).exists()
    authors = set(Reply.objects.filter(topic__forum=school).values_list("author_id", flat=True))
    assert a.teacher.pk in authors and a.student.pk in authors
    for topic in Topic.objects.filter(forum__establishment=a.establishment):
        assert topic.replies.count() == topic.reply_count
    class_forum = Forum.objects.get(establishment=a.establishment, kind=Forum.Kind.CLASS)
    assert class_forum.school_class == a.school_class
    assert not Forum.objects.filter(establishment=b.establishment).exists()
    page = client_for(a.student).get(reverse("forums:forum-detail", args=[school.pk]))
    assert page.status_code == 200 and "Idées pour le foyer" in page.content.decode()
