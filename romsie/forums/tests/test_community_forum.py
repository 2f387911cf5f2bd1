"""A community's forum: opened by its owners and managers, for its members only, moderated by its managers."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from romsie.communities.models import Membership
from romsie.communities.tests.builders import community, member
from romsie.communities.tests.builders import enable as communities_enable
from romsie.core.testing.editing import page_text
from romsie.core.testing.world import World
from romsie.forums import services
from romsie.forums.models import Forum, Reply, Topic


def url(name: str, *args: Any) -> str:
    return reverse(f"forums:{name}", args=args)


def test_the_owner_opens_the_forum_and_a_member_starts_a_topic(forum_world: World, client_for: Any) -> None:
    a = forum_world.a
    communities_enable(forum_world)
    theatre = community(a)
    student = client_for(a.student)
    assert "no forum yet" in page_text(student.get(url("community-forum", theatre.pk)))
    assert student.post(url("community-forum", theatre.pk)).status_code == 200, "a member does not open it"
    assert not Forum.objects.filter(community=theatre).exists()

    response = client_for(a.teacher).post(url("community-forum", theatre.pk))
    opened = Forum.objects.get(community=theatre)
    assert response.status_code == 302 and response["Location"] == url("forum-detail", opened.pk)
    assert opened.kind == Forum.Kind.COMMUNITY and opened.title == theatre.name
    again = client_for(a.teacher).post(url("community-forum", theatre.pk))
    assert again.status_code == 302 and Forum.objects.filter(community=theatre).count() == 1

    assert student.get(url("community-forum", theatre.pk))["Location"] == url("forum-detail", opened.pk)
    category = opened.categories.get()
    created = student.post(url("topic-create", category.pk), {"title": "Costumes", "body": "<p>Qui coud ?</p>"})
    assert created.status_code == 302
    topic = Topic.objects.get(title="Costumes")
    assert topic.forum == opened


def test_only_members_see_a_community_forum_not_the_establishments_moderators(
    forum_world: World, client_for: Any
) -> None:
    a, c = forum_world.a, forum_world.c
    communities_enable(forum_world)
    theatre = community(a)
    opened = services.community_forum_open(scope=_scope(a.teacher), community=_fetched(a.teacher, theatre.pk))
    for person in (a.teacher, a.student):
        assert client_for(person).get(url("forum-detail", opened.pk)).status_code == 200, person
    for person in (a.head, a.school_life, a.student2, a.parent, c.head, c.teacher):
        assert client_for(person).get(url("forum-detail", opened.pk)).status_code == 404, person
        assert opened.title not in page_text(client_for(person).get(url("forum-list")))


def test_a_removed_member_loses_the_forum_at_once_and_managers_moderate(forum_world: World, client_for: Any) -> None:
    a = forum_world.a
    communities_enable(forum_world)
    theatre = community(a)
    member(theatre, a.student2)
    opened = services.community_forum_open(scope=_scope(a.teacher), community=_fetched(a.teacher, theatre.pk))
    assert services.moderator_ids(opened) == [a.teacher.pk]
    client = client_for(a.student2)
    category = opened.categories.get()
    client.post(url("topic-create", category.pk), {"title": "Décors", "body": "<p>Carton ?</p>"})
    topic = Topic.objects.get(title="Décors")
    assert client.get(url("topic-detail", topic.pk)).status_code == 200
    Membership.objects.filter(community=theatre, user=a.student2).delete()
    assert client.get(url("topic-detail", topic.pk)).status_code == 404
    assert client.post(url("topic-reply", topic.pk), {"body": "<p>Encore là ?</p>"}).status_code == 404
    assert Reply.objects.filter(topic=topic).count() == 1
    lock = client_for(a.teacher).post(url("topic-moderate", topic.pk), {"action": "lock"})
    assert lock.status_code == 302
    assert Topic.objects.get(pk=topic.pk).is_locked


def _scope(user: Any) -> Any:
    from romsie.core.testing.factories import scope_of

    return scope_of(user)


def _fetched(user: Any, pk: int) -> Any:
    from romsie.communities import access

    return access.get_community(_scope(user), pk)
