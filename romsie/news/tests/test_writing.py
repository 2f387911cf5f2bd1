"""Writing news: who may address whom, validation, sanitising, notifications, scheduling."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from romsie.core.testing.factories import EnrollmentFactory, GuardianshipFactory, person
from romsie.identity.models import Role
from romsie.news import services
from romsie.news.models import NewsItem
from romsie.notifications.models import Notification

from .helpers import make_item

FORMAT = "%Y-%m-%dT%H:%M"


def local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime(FORMAT)


def post_data(**changes):
    data = {
        "title": "Fermeture exceptionnelle",
        "body": "Le collège sera fermé vendredi.",
        "audience": "establishment",
        "roles": ["student", "parent"],
        "action": "publish",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_head_publishes_establishment_news_and_its_recipients_are_notified(news, client_for):
    response = client_for(news.a.head).post(reverse("news:item-create"), post_data())
    item = NewsItem.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("news:item-detail", args=[item.pk])
    assert (item.establishment, item.author, item.for_parents, item.for_staff) == (
        news.a.establishment,
        news.a.head,
        True,
        False,
    )
    assert item.body == "<p>Le collège sera fermé vendredi.</p>"
    notified = set(Notification.objects.filter(kind="news.published").values_list("recipient_id", flat=True))
    # students and parents of a: the two students, the two parents; nobody of b or c
    assert notified == {news.a.student.pk, news.a.student2.pk, news.a.parent.pk, news.a.parent2.pk}
    assert item.notified_at is not None or NewsItem.objects.get().notified_at is not None


def test_body_is_sanitised(news, client_for):
    body = (
        '<p onclick="steal()">Bonjour <strong>à tous</strong> <em>et</em> '
        '<a href="javascript:alert(1)">piège</a> <a href="https://ex.org">lien</a></p>'
        "<script>alert(1)</script><ul><li>un</li></ul><img src=x onerror=alert(1)>"
    )
    client_for(news.a.head).post(reverse("news:item-create"), post_data(body=body))
    stored = NewsItem.objects.get().body
    assert "<script" not in stored and "onclick" not in stored and "javascript:" not in stored and "<img" not in stored
    assert "<strong>à tous</strong>" in stored and "<em>et</em>" in stored and "<ul><li>un</li></ul>" in stored
    assert '<a href="https://ex.org" rel="noopener noreferrer nofollow">lien</a>' in stored


def test_body_made_only_of_forbidden_markup_is_refused(news, client_for):
    response = client_for(news.a.head).post(reverse("news:item-create"), post_data(body="<script>x()</script>"))
    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    assert not NewsItem.objects.exists()


def test_expiry_must_follow_publication(news, client_for):
    now = timezone.now()
    data = post_data(
        published_at=local(now + datetime.timedelta(days=2)), expires_at=local(now + datetime.timedelta(days=1))
    )
    response = client_for(news.a.head).post(reverse("news:item-create"), data)
    assert response.context["form"].errors["expires_at"] == ["The expiry must be after the publication."]
    assert not NewsItem.objects.exists()


def test_an_audience_is_required(news, client_for):
    response = client_for(news.a.head).post(reverse("news:item-create"), post_data(roles=None))
    assert response.context["form"].errors["roles"] == ["Choose at least one group of people."]
    response = client_for(news.a.head).post(reverse("news:item-create"), post_data(audience="classes"))
    assert response.context["form"].errors["school_classes"] == ["Choose at least one class."]
    assert not NewsItem.objects.exists()


def test_teacher_publishes_to_a_class_they_teach_only(news, client_for):
    client = client_for(news.a.teacher)
    refused = client.post(reverse("news:item-create"), post_data(school_classes=[news.a.class2.pk], audience=None))
    assert "school_classes" in refused.context["form"].errors
    forged = client.post(reverse("news:item-create"), post_data(school_classes=[news.c.school_class.pk]))
    assert "school_classes" in forged.context["form"].errors
    assert not NewsItem.objects.exists()
    # The establishment-wide audience is not offered to a teacher: it is class news.
    response = client.post(reverse("news:item-create"), post_data(school_classes=[news.a.school_class.pk]))
    assert response.status_code == 302
    item = NewsItem.objects.get()
    assert item.is_class_news and list(item.school_classes.all()) == [news.a.school_class]
    notified = set(Notification.objects.values_list("recipient_id", flat=True))
    assert notified == {news.a.student.pk, news.a.parent.pk}


def test_teacher_edits_own_news_but_not_the_heads(news, client_for):
    heads = make_item(news.a)
    client = client_for(news.a.teacher)
    assert client.get(reverse("news:item-update", args=[heads.pk])).status_code == 404
    assert client.post(reverse("news:item-delete", args=[heads.pk])).status_code == 404
    assert NewsItem.objects.filter(pk=heads.pk).exists()


def test_head_edits_and_deletes_news(news, client_for):
    item = make_item(news.a, title="Ancien titre", classes=[news.a.school_class], for_parents=True)
    client = client_for(news.a.head)
    form = client.get(reverse("news:item-update", args=[item.pk])).context["form"]
    assert form.initial["audience"] == "classes" and form.initial["school_classes"] == [news.a.school_class.pk]
    data = post_data(
        title="Nouveau titre", audience="classes", school_classes=[news.a.class2.pk], roles=["parent"], version=0
    )
    assert client.post(reverse("news:item-update", args=[item.pk]), data).status_code == 302
    item.refresh_from_db()
    assert item.title == "Nouveau titre" and list(item.school_classes.all()) == [news.a.class2]
    assert client.post(reverse("news:item-delete", args=[item.pk])).status_code == 302
    assert not NewsItem.objects.exists()


def test_draft_notifies_nobody_until_published(news, client_for):
    client = client_for(news.a.head)
    client.post(reverse("news:item-create"), post_data(action="draft"))
    item = NewsItem.objects.get()
    assert item.is_draft and Notification.objects.count() == 0
    client.post(reverse("news:item-update", args=[item.pk]), post_data(version=0))
    assert Notification.objects.count() == 4
    # Editing again does not notify twice.
    client.post(reverse("news:item-update", args=[item.pk]), post_data(title="Corrigé", version=1))
    assert NewsItem.objects.get().title == "Corrigé"
    assert Notification.objects.count() == 4


def test_scheduled_news_is_notified_by_the_periodic_command_once(news, client_for):
    later = timezone.now() + datetime.timedelta(hours=2)
    client_for(news.a.head).post(reverse("news:item-create"), post_data(published_at=local(later)))
    item = NewsItem.objects.get()
    assert item.notified_at is None and Notification.objects.count() == 0
    call_command("news_notify_due")
    assert Notification.objects.count() == 0
    NewsItem.objects.filter(pk=item.pk).update(published_at=timezone.now() - datetime.timedelta(minutes=1))
    call_command("news_notify_due")
    assert Notification.objects.count() == 4
    assert services.news_notify_due() == 0
    assert Notification.objects.count() == 4


@pytest.mark.parametrize("families", [1, 50])
def test_publishing_to_families_costs_the_same_with_1_and_50_recipients(
    news, client_for, django_assert_num_queries, families
):
    for i in range(families - 1):
        student = person(news.a.establishment, Role.STUDENT, username=f"eleve.{i}")
        EnrollmentFactory(school_class=news.a.school_class, student=student)
        parent = person(news.a.establishment, Role.PARENT, username=f"famille.{i}")
        GuardianshipFactory(establishment=news.a.establishment, guardian=parent, student=student)
    client = client_for(news.a.head)
    client.get(reverse("news:item-list"))
    data = post_data(
        audience="classes", school_classes=[news.a.school_class.pk], roles=["parent"], requires_confirmation="on"
    )
    # session, user, the form's classes; in a savepoint: the service's check of the classes,
    # item, its class (one bulk insert), audit, recipient ids, notify (their delivery
    # preferences, one bulk insert), notified_at; the files one may link from the documents.
    # Nothing grows with the recipients.
    with django_assert_num_queries(14):
        response = client.post(reverse("news:item-create"), data)
    assert response.status_code == 302
    assert Notification.objects.filter(kind="news.must_read").count() == families
