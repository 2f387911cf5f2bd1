"""Who reads which news: audience per role, classes, publication, expiry, drafts."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.core import versions
from romsie.core.testing.factories import EnrollmentFactory, GuardianshipFactory, person
from romsie.identity.models import Role
from romsie.news import services
from romsie.news.models import NewsItem

from .helpers import make_item

HOUR = datetime.timedelta(hours=1)


def titles(client) -> list[str]:
    response = client.get(reverse("news:item-list"))
    assert response.status_code == 200
    return [item.title for item in response.context["page_obj"].object_list]


def test_establishment_news_reaches_only_the_chosen_roles(news, client_for):
    make_item(news.a, title="Pour les familles", for_parents=True)
    make_item(news.a, title="Pour le personnel", for_staff=True, for_teachers=True)
    assert titles(client_for(news.a.parent)) == ["Pour les familles"]
    assert titles(client_for(news.a.parent2)) == ["Pour les familles"]
    assert titles(client_for(news.a.student)) == []
    assert titles(client_for(news.a.teacher)) == ["Pour le personnel"]
    assert titles(client_for(news.a.librarian)) == ["Pour le personnel"]


def test_class_news_reaches_the_class_its_families_and_teachers_only(news, client_for):
    item = make_item(
        news.a,
        title="Sortie au musée",
        classes=[news.a.school_class],
        for_students=True,
        for_parents=True,
        for_teachers=True,
    )
    for reader in (news.a.student, news.a.parent, news.a.teacher):
        assert titles(client_for(reader)) == ["Sortie au musée"]
        assert client_for(reader).get(reverse("news:item-detail", args=[item.pk])).status_code == 200
    # A student of another class, their parent, a staff member not addressed: not listed, 404.
    for outsider in (news.a.student2, news.a.parent2, news.a.librarian):
        assert titles(client_for(outsider)) == []
        assert client_for(outsider).get(reverse("news:item-detail", args=[item.pk])).status_code == 404


def test_class_news_for_families_only_is_not_shown_to_the_students(news, client_for):
    make_item(news.a, title="Réunion", classes=[news.a.school_class], for_parents=True)
    assert titles(client_for(news.a.parent)) == ["Réunion"]
    assert titles(client_for(news.a.student)) == []


def test_scheduled_expired_and_draft_news_are_invisible_to_readers(news, client_for):
    now = timezone.now()
    make_item(news.a, title="Publiée")
    scheduled = make_item(news.a, title="Programmée", published_at=now + HOUR)
    expired = make_item(news.a, title="Expirée", published_at=now - 3 * HOUR, expires_at=now - HOUR)
    draft = make_item(news.a, title="Brouillon", is_draft=True)
    parent = client_for(news.a.parent)
    assert titles(parent) == ["Publiée"]
    for hidden in (scheduled, expired, draft):
        assert parent.get(reverse("news:item-detail", args=[hidden.pk])).status_code == 404
    # Their managers still open them.
    head = client_for(news.a.head)
    assert head.get(reverse("news:item-detail", args=[draft.pk])).status_code == 200
    manage = head.get(reverse("news:item-manage")).content.decode()
    assert "Brouillon" in manage and "Programmée" in manage and "Expirée" in manage


def test_another_establishments_news_is_never_listed(news, client_for):
    make_item(news.c, title="Ailleurs")
    assert titles(client_for(news.a.parent)) == []


def test_news_list_is_newest_first(news, client_for):
    now = timezone.now()
    make_item(news.a, title="Ancienne", published_at=now - 5 * HOUR)
    make_item(news.a, title="Récente", published_at=now - HOUR)
    assert titles(client_for(news.a.parent)) == ["Récente", "Ancienne"]


def test_switched_off_service_is_refused(news, client_for):
    news.a.establishment.enabled_services = ["directory"]
    news.a.establishment.save()
    assert client_for(news.a.parent).get(reverse("news:item-list")).status_code == 403


@pytest.mark.parametrize("rows", [1, 50])
def test_news_list_costs_the_same_with_1_and_50_items(news, client_for, django_assert_num_queries, rows):
    for i in range(rows):
        make_item(news.a, title=f"Info {i}", classes=[news.a.school_class] if i % 2 else None)
    client = client_for(news.a.parent)
    client.get(reverse("news:item-list"))  # warm the scope cache (and the list)
    versions.bump(versions.Kind.NEWS, news.a.establishment.pk)  # as publishing an item does
    # session, user, count, page of items (author, confirmation state), their classes
    with django_assert_num_queries(5):
        response = client.get(reverse("news:item-list"))
    assert len(response.context["page_obj"].object_list) == min(rows, 20)
    with django_assert_num_queries(2):  # nothing changed: the list comes from the cache
        again = client.get(reverse("news:item-list"))
    assert again.content.decode().count('class="card"') == min(rows, 20)


def test_a_confirmation_and_a_deletion_show_at_once_on_the_cached_list(news, client_for):
    first = make_item(news.a, title="Première info", requires_confirmation=True)
    second = make_item(news.a, title="Seconde info")
    client = client_for(news.a.parent)
    page = client.get(reverse("news:item-list")).content.decode()
    assert "Seconde info" in page and "Must read · to confirm" in page
    client.post(reverse("news:item-confirm", args=[first.pk]))
    assert "Must read · confirmed" in client.get(reverse("news:item-list")).content.decode()
    head_scope = client_for(news.a.head).get(reverse("news:item-list")).wsgi_request.scope
    services.news_item_delete(scope=head_scope, item=second)
    assert "Seconde info" not in client.get(reverse("news:item-list")).content.decode()


def test_news_detail_query_count(news, client_for, django_assert_num_queries):
    item = make_item(news.a, classes=[news.a.school_class], requires_confirmation=True)
    client = client_for(news.a.parent)
    client.get(reverse("news:item-list"))
    # session, user, the item (addressed? confirmed?), its classes, its linked documents
    with django_assert_num_queries(5):
        response = client.get(reverse("news:item-detail", args=[item.pk]))
    assert b"I have read it" in response.content
    # Read again, the item comes from the cache: session and user only.
    with django_assert_num_queries(2):
        again = client.get(reverse("news:item-detail", args=[item.pk]))
    assert b"I have read it" in again.content and item.title.encode() in again.content


def test_a_confirmation_an_edit_and_a_deletion_show_at_once_on_the_cached_item(news, client_for):
    item = make_item(news.a, title="Réunion parents", requires_confirmation=True)
    client = client_for(news.a.parent)
    url = reverse("news:item-detail", args=[item.pk])
    assert "I have read it" in client.get(url).content.decode()
    client.post(reverse("news:item-confirm", args=[item.pk]))
    assert "You confirmed you read this notice." in client.get(url).content.decode()
    head = client_for(news.a.head)
    head_scope = head.get(reverse("news:item-list")).wsgi_request.scope
    item.refresh_from_db()
    edited = {"title": "Réunion parents — nouvelle salle", "body": "Salle B12", "audience": "establishment"}
    head.post(
        reverse("news:item-update", args=[item.pk]),
        {**edited, "roles": ["parent"], "action": "publish", "version": item.version, "requires_confirmation": "on"},
    )
    page = client.get(url).content.decode()
    assert "nouvelle salle" in page and "Salle B12" in page
    services.news_item_delete(scope=head_scope, item=NewsItem.objects.get(pk=item.pk))
    assert client.get(url).status_code == 404


def test_guardian_of_two_children_sees_the_news_of_each_class(news, client_for):
    second_child = person(news.a.establishment, Role.STUDENT, username="cadet.a")
    EnrollmentFactory(school_class=news.a.class2, student=second_child)
    GuardianshipFactory(establishment=news.a.establishment, guardian=news.a.parent, student=second_child)
    make_item(news.a, title="Classe B", classes=[news.a.class2], for_parents=True)
    assert titles(client_for(news.a.parent)) == ["Classe B"]


def test_manage_page_shows_each_items_state(news, client_for, django_assert_num_queries):
    now = timezone.now()
    make_item(news.a, title="Publiée")
    make_item(news.a, title="Programmée", published_at=now + HOUR)
    make_item(news.a, title="Expirée", published_at=now - 3 * HOUR, expires_at=now - HOUR)
    make_item(news.a, title="Brouillon", is_draft=True)
    make_item(news.c, title="Ailleurs")
    client = client_for(news.a.head)
    client.get(reverse("news:item-list"))
    # session, user, count, page of items (author, confirmations count), their classes
    with django_assert_num_queries(5):
        response = client.get(reverse("news:item-manage"))
    states = {item.title: item.state for item in response.context["page_obj"].object_list}
    assert states == {"Publiée": "published", "Programmée": "scheduled", "Expirée": "expired", "Brouillon": "draft"}
    assert "Scheduled for" in response.content.decode()
