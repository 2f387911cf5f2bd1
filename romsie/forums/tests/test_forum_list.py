"""The list of one's forums is cached: every write that changes it shows at once.

Forums, topics, replies and moderation bump the establishment's ``forums`` version, what a person
reads bumps their ``forums-reader`` version, communities bump ``communities`` (a community's forum
follows its membership), classes and teachings bump ``structure``, the social switches theirs.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from romsie.communities.models import Membership
from romsie.communities.tests.builders import community, member
from romsie.communities.tests.builders import enable as communities_enable
from romsie.core import versions
from romsie.core.testing.editing import page_text
from romsie.core.testing.factories import scope_of
from romsie.core.testing.world import World
from romsie.forums import services
from romsie.forums.models import Category, Forum, Reply, Topic
from romsie.schooling import services as schooling_services

from .builders import class_forum, topic

NEW = "New replies"


def url(name: str, *args: Any) -> str:
    return reverse(f"forums:{name}", args=args)


def listing(client: Client) -> str:
    response = client.get(url("forum-list"))
    assert response.status_code == 200
    return page_text(response)


def test_a_new_forum_shows_at_once(
    forum_world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = forum_world.a
    student = client_for(a.student)
    assert "You belong to no forum yet." in listing(student)
    data = {"kind": "class", "title": "Forum de la 6e A", "school_class": a.school_class.pk}
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(a.head).post(url("forum-create"), data).status_code == 302
    created = Forum.objects.get(school_class=a.school_class)
    assert f'href="{url("forum-detail", created.pk)}"' in listing(student)


def test_topics_replies_and_reads_move_the_marker_at_once(
    forum_world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = forum_world.a
    category = class_forum(a).categories.get()
    student, teacher = client_for(a.student), client_for(a.teacher)
    assert NEW not in listing(student) and NEW not in listing(teacher)
    # Someone else opens a topic: new for the student, not for its author (their read is recorded).
    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(url("topic-create", category.pk), {"title": "Sortie", "body": "<p>Jeudi au musée.</p>"})
    made = Topic.objects.get(title="Sortie")
    assert NEW in listing(student) and NEW not in listing(teacher)
    # The student reads it.
    student.get(url("topic-detail", made.pk))
    assert NEW not in listing(student)
    # Someone else replies.
    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(url("topic-reply", made.pk), {"body": "<p>Rendez-vous à 9 h.</p>"})
    assert NEW in listing(student)
    # The student replies in turn: read up to their own reply; new for the teacher.
    with django_capture_on_commit_callbacks(execute=True):
        student.post(url("topic-reply", made.pk), {"body": "<p>Merci !</p>"})
    assert NEW not in listing(student) and NEW in listing(teacher)


def test_hiding_and_showing_a_topic_moves_the_marker_at_once(
    forum_world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = forum_world.a
    made = topic(class_forum(a), a.teacher, replies=2)
    student, teacher = client_for(a.student), client_for(a.teacher)
    assert NEW in listing(student)
    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(url("topic-moderate", made.pk), {"action": "hide"})
    assert NEW not in listing(student)
    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(url("topic-moderate", made.pk), {"action": "unhide"})
    assert NEW in listing(student)


@pytest.mark.parametrize("write", ["pin", "lock", "move", "hide a reply"])
def test_every_moderation_bumps_the_establishments_forums(
    forum_world: World, django_capture_on_commit_callbacks: Any, write: str
) -> None:
    a = forum_world.a
    row = class_forum(a)
    made = topic(row, a.student, replies=2)
    other = Category.objects.create(establishment=a.establishment, forum=row, name="Sorties", position=2)
    scope = scope_of(a.teacher)
    key = versions.key(versions.Kind.FORUMS, a.establishment.pk)
    before = versions.stamp(key)
    with django_capture_on_commit_callbacks(execute=True):
        if write == "move":
            services.topic_move(scope=scope, topic=made, category=other)
        elif write == "hide a reply":
            services.reply_moderate(scope=scope, reply=Reply.objects.get(topic=made, position=2), hide=True)
        else:
            services.topic_moderate(scope=scope, topic=made, action=write)
    assert versions.stamp(key) != before


def test_a_community_forum_follows_membership_at_once(
    forum_world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = forum_world.a
    communities_enable(forum_world)
    theatre = community(a, members=False)
    invitation = member(theatre, a.student2, invited=True)
    teacher, student = client_for(a.teacher), client_for(a.student2)
    reports = f'href="{url("report-list")}"'
    assert "forums-item" not in listing(teacher) and "forums-item" not in listing(student)
    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(url("community-forum", theatre.pk))  # its owner opens the forum
    opened = f'href="{url("forum-detail", Forum.objects.get(community=theatre).pk)}"'
    assert opened in listing(teacher) and opened not in listing(student)
    with django_capture_on_commit_callbacks(execute=True):
        student.post(reverse("communities:invitation-accept", args=[invitation.pk]))
    page = listing(student)
    assert opened in page and reports not in page
    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(reverse("communities:member-role", args=[invitation.pk]), {"role": Membership.Role.MANAGER})
    assert reports in listing(student), "a manager of the community moderates its forum"
    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(reverse("communities:member-remove", args=[invitation.pk]))
    page = listing(student)
    assert opened not in page and reports not in page


def test_a_class_forum_follows_enrolments_and_teachings_at_once(
    forum_world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = forum_world.a
    forum = f'href="{url("forum-detail", class_forum(a).pk)}"'
    student2, teacher = client_for(a.student2), client_for(a.teacher)
    reports = f'href="{url("report-list")}"'
    assert forum not in listing(student2)
    page = listing(teacher)
    assert forum in page and reports in page
    head = scope_of(a.head)
    with django_capture_on_commit_callbacks(execute=True):
        schooling_services.student_class_set(scope=head, student=a.student2, school_class=a.school_class)
    assert forum in listing(student2)
    with django_capture_on_commit_callbacks(execute=True):
        schooling_services.teaching_delete(scope=head, teaching=a.teaching)
    page = listing(teacher)
    assert forum not in page and reports not in page


def test_switching_students_forums_off_shows_at_once(
    forum_world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = forum_world.a
    forum = f'href="{url("forum-detail", class_forum(a).pk)}"'
    student = client_for(a.student)
    assert forum in listing(student)
    with django_capture_on_commit_callbacks(execute=True):
        schooling_services.social_switches_set(scope=scope_of(a.head), enabled=[], version=None)
    page = listing(student)
    assert "Forums are not open to the students of your level." in page and forum not in page
