"""Forums: who belongs to which forum, topics and replies, locks, hidden messages, reports, unread markers."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.core import versions
from romsie.core.models import AuditEvent
from romsie.core.testing.editing import page_text, race_on_form
from romsie.core.testing.world import World
from romsie.forums.models import Category, Forum, Reply, Report, Subscription, Topic, TopicRead
from romsie.notifications.models import Notification
from romsie.schooling.audiences import PARENTS, AudienceChoice
from romsie.schooling.models import Enrollment

from .builders import class_forum, forum, topic


def url(name: str, *args: Any) -> str:
    return reverse(f"forums:{name}", args=args)


def test_a_student_opens_a_topic_in_their_class_forum_and_follows_it(forum_world: World, client_for: Any) -> None:
    a = forum_world.a
    row = class_forum(a)
    category = row.categories.get()
    response = client_for(a.student).post(
        url("topic-create", category.pk), {"title": "Exposé sur les volcans", "body": "<p>Qui est avec moi ?</p>"}
    )
    assert response.status_code == 302
    created = Topic.objects.get(title="Exposé sur les volcans")
    assert created.reply_count == 1 and created.author == a.student
    assert Subscription.objects.filter(topic=created, user=a.student).exists()
    page = client_for(a.teacher).get(url("topic-detail", created.pk))
    assert "Qui est avec moi ?" in page_text(page)


def test_a_class_forum_is_for_its_students_and_teachers_only(forum_world: World, client_for: Any) -> None:
    a, c = forum_world.a, forum_world.c
    row = class_forum(a)
    made = topic(row, a.student)
    for person in (a.student, a.teacher, a.head):
        assert client_for(person).get(url("topic-detail", made.pk)).status_code == 200, person
    for person in (a.student2, a.parent, a.librarian, c.student, c.head):
        assert client_for(person).get(url("topic-detail", made.pk)).status_code == 404, person
        assert client_for(person).get(url("forum-detail", row.pk)).status_code == 404, person
    listing = page_text(client_for(a.student2).get(url("forum-list")))
    assert row.title not in listing


def test_a_removed_student_loses_the_forum_at_once(forum_world: World, client_for: Any) -> None:
    a = forum_world.a
    made = topic(class_forum(a), a.teacher)
    client = client_for(a.student)
    assert client.get(url("topic-detail", made.pk)).status_code == 200
    Enrollment.objects.filter(student=a.student, school_class=a.school_class).delete()
    assert client.get(url("topic-detail", made.pk)).status_code == 404
    response = client.post(url("topic-reply", made.pk), {"body": "<p>Encore là ?</p>"})
    assert response.status_code == 404
    assert Reply.objects.filter(topic=made).count() == 1


def test_the_establishment_forum_reaches_its_audience(forum_world: World, client_for: Any) -> None:
    a = forum_world.a
    parents = forum(a, title="Forum des parents", audience=AudienceChoice.of([PARENTS]))
    assert client_for(a.parent).get(url("forum-detail", parents.pk)).status_code == 200
    assert client_for(a.student).get(url("forum-detail", parents.pk)).status_code == 404
    everyone = forum(a, title="Forum du collège")
    for person in (a.student, a.parent, a.teacher, a.office):
        assert client_for(person).get(url("forum-detail", everyone.pk)).status_code == 200, person


def test_primary_pupils_see_no_forum_and_cannot_post(forum_world: World, client_for: Any) -> None:
    b = forum_world.b
    row = class_forum(b)
    made = topic(row, b.teacher)
    client = client_for(b.student)
    listing = client.get(url("forum-list"))
    assert listing.status_code == 200
    assert "Forums are not open to the students of your level." in page_text(listing)
    assert client.get(url("forum-detail", row.pk)).status_code == 404
    assert client.post(url("topic-reply", made.pk), {"body": "<p>Coucou</p>"}).status_code == 404
    assert Reply.objects.filter(topic=made).count() == 1
    assert client_for(b.teacher).get(url("topic-detail", made.pk)).status_code == 200


def test_a_locked_topic_refuses_replies_and_saves_nothing(forum_world: World, client_for: Any) -> None:
    a = forum_world.a
    made = topic(class_forum(a), a.student)
    locked = client_for(a.teacher).post(url("topic-moderate", made.pk), {"action": "lock"})
    assert locked.status_code == 302
    made.refresh_from_db()
    assert made.is_locked
    refused = client_for(a.student).post(url("topic-reply", made.pk), {"body": "<p>Attendez !</p>"})
    assert refused.status_code == 200
    assert "This topic is locked: nobody may reply any more." in page_text(refused)
    assert Reply.objects.filter(topic=made).count() == 1
    made.refresh_from_db()
    assert made.reply_count == 1
    page = page_text(client_for(a.student).get(url("topic-detail", made.pk)))
    assert "Post the reply" not in page and "Locked: no more replies" in page
    assert AuditEvent.objects.filter(action="forums.topic_lock", actor_id=a.teacher.pk).exists()


def test_a_new_reply_notifies_the_followers_in_bulk_but_not_its_author(
    forum_world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = forum_world.a
    made = topic(class_forum(a), a.student)
    Subscription.objects.create(establishment=a.establishment, user=a.head, topic=made)
    Subscription.objects.create(establishment=a.establishment, user=a.student2, topic=made)  # not of the class
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(a.teacher).post(url("topic-reply", made.pk), {"body": "<p>Très bonne idée.</p>"})
    assert response.status_code == 302
    notified = set(Notification.objects.filter(kind="forums.reply").values_list("recipient_id", flat=True))
    assert notified == {a.student.pk, a.head.pk}
    assert Subscription.objects.filter(topic=made, user=a.teacher).exists()
    reply = Reply.objects.get(topic=made, position=2)
    assert reply.author == a.teacher


def test_following_and_unfollowing_a_topic(forum_world: World, client_for: Any) -> None:
    a = forum_world.a
    made = topic(class_forum(a), a.student)
    client = client_for(a.teacher)
    client.post(url("topic-follow", made.pk), {"follow": "1"})
    assert Subscription.objects.filter(topic=made, user=a.teacher).exists()
    client.post(url("topic-follow", made.pk), {"follow": "0"})
    assert not Subscription.objects.filter(topic=made, user=a.teacher).exists()


def test_a_hidden_reply_shows_as_hidden_to_members_and_in_full_to_moderators(
    forum_world: World, client_for: Any
) -> None:
    a = forum_world.a
    made = topic(class_forum(a), a.student, replies=2)
    second = Reply.objects.get(topic=made, position=2)
    response = client_for(a.teacher).post(url("reply-moderate", second.pk), {"action": "hide"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.is_hidden
    seen = page_text(client_for(a.student).get(url("topic-detail", made.pk)))
    assert "Message numéro 1" in seen and "Message numéro 2" not in seen and "Hidden by a moderator." in seen
    assert "Message numéro 2" in page_text(client_for(a.school_life).get(url("topic-detail", made.pk)))
    assert AuditEvent.objects.filter(action="forums.reply_hide", actor_id=a.teacher.pk).exists()
    # A member may not hide: the reply is not found among the moderated ones, nothing changes.
    first = Reply.objects.get(topic=made, position=1)
    assert client_for(a.student).post(url("reply-moderate", first.pk), {"action": "hide"}).status_code == 404
    first.refresh_from_db()
    assert not first.is_hidden


def test_a_hidden_topic_is_found_by_its_moderators_only(forum_world: World, client_for: Any) -> None:
    a = forum_world.a
    made = topic(class_forum(a), a.student)
    client_for(a.head).post(url("topic-moderate", made.pk), {"action": "hide"})
    assert client_for(a.student).get(url("topic-detail", made.pk)).status_code == 404
    assert client_for(a.teacher).get(url("topic-detail", made.pk)).status_code == 200
    assert AuditEvent.objects.filter(action="forums.topic_hide").count() == 1


def test_a_moderator_moves_a_topic_within_its_forum_only(forum_world: World, client_for: Any) -> None:
    a = forum_world.a
    row = class_forum(a)
    made = topic(row, a.student)
    outings = Category.objects.create(establishment=a.establishment, forum=row, name="Sorties", position=2)
    elsewhere = forum(a, title="Forum du collège").categories.get()
    client = client_for(a.teacher)
    refused = client.post(url("topic-move", made.pk), {"category": elsewhere.pk})
    assert refused.status_code == 200
    made.refresh_from_db()
    assert made.category_id != elsewhere.pk
    assert client.post(url("topic-move", made.pk), {"category": outings.pk}).status_code == 302
    made.refresh_from_db()
    assert made.category_id == outings.pk
    assert AuditEvent.objects.filter(action="forums.topic_move").count() == 1


def test_a_report_reaches_the_moderators_who_resolve_it(
    forum_world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = forum_world.a
    made = topic(class_forum(a), a.teacher, replies=2)
    second = Reply.objects.get(topic=made, position=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(a.student).post(url("reply-report", second.pk), {"reason": "Propos blessants"})
    assert response.status_code == 302
    report = Report.objects.get(reply=second)
    notified = set(Notification.objects.filter(kind="forums.report").values_list("recipient_id", flat=True))
    assert {a.head.pk, a.school_life.pk} <= notified and a.student.pk not in notified
    assert a.librarian.pk not in notified
    again = client_for(a.student).post(url("reply-report", second.pk), {"reason": "Encore"})
    assert again.status_code == 200 and Report.objects.filter(reply=second).count() == 1
    queue = page_text(client_for(a.school_life).get(url("report-list")))
    assert "Propos blessants" in queue
    assert client_for(a.student).get(url("report-list")).status_code == 404
    client_for(a.school_life).post(url("report-resolve", report.pk), {"hide": "1"})
    report.refresh_from_db()
    second.refresh_from_db()
    assert report.resolved_at is not None and report.resolved_by == a.school_life and second.is_hidden
    assert AuditEvent.objects.filter(action="forums.report_resolve", actor_id=a.school_life.pk).exists()
    assert AuditEvent.objects.filter(action="forums.report", actor_id=a.student.pk).exists()
    assert "Propos blessants" not in page_text(client_for(a.school_life).get(url("report-list")))


def test_unread_markers_follow_what_each_person_read(forum_world: World, client_for: Any) -> None:
    a = forum_world.a
    row = class_forum(a)
    made = topic(row, a.teacher, replies=3)
    student = client_for(a.student)
    assert student.get(url("forum-detail", row.pk)).context["rows"][0].topics[0].is_unread
    assert next(f for f in student.get(url("forum-list")).context["forums"] if f.pk == row.pk).has_unread
    student.get(url("topic-detail", made.pk))
    assert TopicRead.objects.get(user=a.student, topic=made).last_read_position == 3
    assert not student.get(url("forum-detail", row.pk)).context["rows"][0].topics[0].is_unread
    assert not next(f for f in student.get(url("forum-list")).context["forums"] if f.pk == row.pk).has_unread
    client_for(a.teacher).post(url("topic-reply", made.pk), {"body": "<p>Une précision.</p>"})
    assert student.get(url("forum-detail", row.pk)).context["rows"][0].topics[0].is_unread
    page = student.get(url("topic-detail", made.pk))
    assert page.context["last_read"] == 3
    assert TopicRead.objects.get(user=a.student, topic=made).last_read_position == 4


def test_one_edits_only_ones_own_reply_and_a_stale_edit_is_refused(forum_world: World, client_for: Any) -> None:
    a = forum_world.a
    made = topic(class_forum(a), a.student)
    first = Reply.objects.get(topic=made, position=1)
    assert client_for(a.teacher).get(url("reply-update", first.pk)).status_code == 404
    refused = race_on_form(
        url("reply-update", first.pk),
        first=client_for(a.student),
        second=client_for(a.student),
        first_data={"body": "<p>Première version</p>"},
        second_data={"body": "<p>Seconde version</p>"},
    )
    assert "Première version" in page_text(refused)
    first.refresh_from_db()
    assert "Première version" in first.body and first.edited_at is not None


def test_a_manager_opens_a_class_forum_once(forum_world: World, client_for: Any) -> None:
    a = forum_world.a
    client = client_for(a.head)
    data = {"kind": "class", "title": "Forum de la 6e A", "school_class": a.school_class.pk}
    assert client.post(url("forum-create"), data).status_code == 302
    created = Forum.objects.get(school_class=a.school_class)
    assert created.categories.count() == 1
    again = client.post(url("forum-create"), {**data, "title": "Un autre"})
    assert again.status_code == 200 and Forum.objects.filter(school_class=a.school_class).count() == 1
    assert client_for(a.student).get(url("forum-detail", created.pk)).status_code == 200
    other_class = forum_world.c.school_class
    refused = client.post(url("forum-create"), {**data, "school_class": other_class.pk})
    assert refused.status_code == 200 and not Forum.objects.filter(school_class=other_class).exists()


@pytest.mark.parametrize("topics", [1, 50])
def test_the_forum_page_costs_the_same_for_1_and_50_topics(
    forum_world: World, client_for: Any, django_assert_num_queries: Any, topics: int
) -> None:
    a = forum_world.a
    row = class_forum(a)
    Category.objects.create(establishment=a.establishment, forum=row, name="Sorties", position=2)
    for n in range(topics):
        topic(row, a.teacher, title=f"Sujet {n}")
    client = client_for(a.student)
    client.get(url("forum-detail", row.pk))  # warm the scope cache
    # session, user; the forum; categories; topics with unread markers
    with django_assert_num_queries(5):
        response = client.get(url("forum-detail", row.pk))
    assert len(response.context["rows"][0].topics) == min(topics, 5)


@pytest.mark.parametrize("topics", [1, 50])
def test_the_category_page_costs_the_same_for_1_and_50_topics(
    forum_world: World, client_for: Any, django_assert_num_queries: Any, topics: int
) -> None:
    a = forum_world.a
    row = class_forum(a)
    for n in range(topics):
        topic(row, a.teacher, title=f"Sujet {n}")
    category = row.categories.get()
    client = client_for(a.student)
    client.get(url("category-detail", category.pk))
    # session, user; the category; topics; pinned topics
    with django_assert_num_queries(5):
        response = client.get(url("category-detail", category.pk))
    assert len(response.context["listing"].page.entries) == min(topics, 30)


@pytest.mark.parametrize("replies", [1, 50])
def test_the_topic_page_costs_the_same_for_1_and_50_replies(
    forum_world: World, client_for: Any, django_assert_num_queries: Any, replies: int
) -> None:
    a = forum_world.a
    made = topic(class_forum(a), a.teacher, replies=replies)
    client = client_for(a.student)
    client.get(url("topic-detail", made.pk))  # warm the scope cache; the student has now read it
    # session, user; the topic with the reader's marker; its replies
    with django_assert_num_queries(4):
        response = client.get(url("topic-detail", made.pk))
    assert len(response.context["page"].replies) == replies


def test_a_topic_of_1000_replies_pages_at_the_cost_of_50(
    forum_world: World, client_for: Any, django_assert_num_queries: Any
) -> None:
    a = forum_world.a
    made = topic(class_forum(a), a.teacher, replies=1000)
    client = client_for(a.student)
    first = client.get(url("topic-detail", made.pk))
    assert first.context["page"].page_count == 20
    assert [r.position for r in first.context["page"].replies] == list(range(1, 51))
    assert 'href="?page=20"' in first.content.decode()
    client.get(url("topic-detail", made.pk), {"page": "12"})
    with django_assert_num_queries(4):
        page = client.get(url("topic-detail", made.pk), {"page": "12"})
    assert [r.position for r in page.context["page"].replies] == list(range(551, 601))
    last = client.get(url("topic-detail", made.pk), {"page": "999"})
    assert last.context["page"].number == 20 and last.context["page"].replies[-1].position == 1000
    assert TopicRead.objects.get(user=a.student, topic=made).last_read_position == 1000
    assert client.get(url("topic-detail", made.pk), {"page": "x"}).context["page"].number == 1


@pytest.mark.parametrize("forums", [1, 50])
def test_my_forums_cost_the_same_for_1_and_50_forums(
    forum_world: World, client_for: Any, django_assert_num_queries: Any, forums: int
) -> None:
    a = forum_world.a
    for n in range(forums):
        topic(forum(a, title=f"Forum {n:02}"), a.teacher)
    client = client_for(a.student)
    client.get(url("forum-list"))  # warm the scope cache (and the list)
    versions.bump(versions.Kind.FORUMS, a.establishment.pk)  # as a new reply does
    # session, user; the forums with their unread markers; whether they moderate one (a student
    # may manage a community, and so moderate its forum)
    with django_assert_num_queries(4):
        response = client.get(url("forum-list"))
    assert len(response.context["forums"]) == forums and all(f.has_unread for f in response.context["forums"])
    with django_assert_num_queries(2):  # nothing changed: the list comes from the cache
        again = client.get(url("forum-list"))
    page = again.content.decode()
    assert page.count('class="forums-item"') == forums and page.count("New replies") == forums


@pytest.mark.parametrize("reports", [1, 50])
def test_the_reports_queue_costs_the_same_for_1_and_50_reports(
    forum_world: World, client_for: Any, django_assert_num_queries: Any, reports: int
) -> None:
    a = forum_world.a
    made = topic(class_forum(a), a.student, replies=reports)
    Report.objects.bulk_create(
        Report(
            establishment=a.establishment,
            reply=reply,
            reporter=a.teacher,
            reason=f"Motif {reply.position}",
            created_at=timezone.now(),
        )
        for reply in Reply.objects.filter(topic=made)
    )
    client = client_for(a.school_life)
    client.get(url("report-list"))
    # session, user; the open reports with their messages, topics, forums and authors
    with django_assert_num_queries(3):
        response = client.get(url("report-list"))
    assert len(response.context["reports"]) == reports
