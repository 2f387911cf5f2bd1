"""Must-read notices: each recipient confirms once; the sender sees who did and who did not."""

from __future__ import annotations

import pytest
from django.urls import reverse

from romsie.core.testing.factories import EnrollmentFactory, GuardianshipFactory, person
from romsie.identity.models import Role
from romsie.news.models import Confirmation

from .helpers import make_item


def notice_to_families(place):
    return make_item(
        place,
        title="Autorisation de sortie",
        classes=[place.school_class],
        for_parents=True,
        requires_confirmation=True,
    )


def test_parent_confirms_once_and_is_listed_as_confirmed(news, client_for):
    notice = notice_to_families(news.a)
    parent = client_for(news.a.parent)
    url = reverse("news:item-confirm", args=[notice.pk])
    assert parent.post(url, {"next": "/"}).url == "/"
    assert parent.post(url).status_code == 302  # a second click changes nothing
    assert list(Confirmation.objects.values_list("user_id", flat=True)) == [news.a.parent.pk]
    detail = parent.get(reverse("news:item-detail", args=[notice.pk])).content.decode()
    assert "You confirmed you read this notice." in detail and "I have read it" not in detail

    head = client_for(news.a.head)
    report = head.get(reverse("news:item-confirmations", args=[notice.pk]), {"show": "confirmed"}).context["report"]
    assert (report.total, report.confirmed, report.pending) == (1, 1, 0)
    assert [
        p.pk
        for p in head.get(reverse("news:item-confirmations", args=[notice.pk]), {"show": "confirmed"}).context[
            "page_obj"
        ]
    ] == [news.a.parent.pk]


def test_confirmation_is_refused_when_not_addressed(news, client_for):
    notice = notice_to_families(news.a)
    for outsider in (news.a.parent2, news.a.student, news.c.parent):
        assert client_for(outsider).post(reverse("news:item-confirm", args=[notice.pk])).status_code in (403, 404)
    other = notice_to_families(news.c)
    assert client_for(news.a.parent).post(reverse("news:item-confirm", args=[other.pk])).status_code == 404
    plain_news = make_item(news.a, for_parents=True)
    assert client_for(news.a.parent).post(reverse("news:item-confirm", args=[plain_news.pk])).status_code == 404
    assert not Confirmation.objects.exists()


def test_guardians_of_one_child_confirm_each_for_themselves(news, client_for):
    second = person(news.a.establishment, Role.PARENT, username="parent.bis")
    GuardianshipFactory(establishment=news.a.establishment, guardian=second, student=news.a.student)
    notice = notice_to_families(news.a)
    client_for(news.a.parent).post(reverse("news:item-confirm", args=[notice.pk]))
    head = client_for(news.a.head)
    response = head.get(reverse("news:item-confirmations", args=[notice.pk]))
    report = response.context["report"]
    assert (report.total, report.confirmed, report.pending) == (2, 1, 1)
    assert [p.pk for p in response.context["page_obj"]] == [second.pk]
    assert news.a.student.get_full_name() in response.content.decode()  # "parent of ..."


def test_only_managers_see_who_confirmed(news, client_for):
    notice = notice_to_families(news.a)
    for reader in (news.a.parent, news.a.teacher, news.a.librarian):
        assert client_for(reader).get(reverse("news:item-confirmations", args=[notice.pk])).status_code == 404
    own = make_item(
        news.a, author=news.a.teacher, classes=[news.a.school_class], for_parents=True, requires_confirmation=True
    )
    assert client_for(news.a.teacher).get(reverse("news:item-confirmations", args=[own.pk])).status_code == 200


@pytest.mark.parametrize("families", [1, 50])
def test_not_confirmed_list_costs_the_same_with_1_and_50_recipients(
    news, client_for, django_assert_num_queries, families
):
    for i in range(families - 1):
        student = person(news.a.establishment, Role.STUDENT, username=f"eleve.{i}")
        EnrollmentFactory(school_class=news.a.school_class, student=student)
        parent = person(news.a.establishment, Role.PARENT, username=f"famille.{i}", last_name=f"Famille{i:03d}")
        GuardianshipFactory(establishment=news.a.establishment, guardian=parent, student=student)
    notice = notice_to_families(news.a)
    client_for(news.a.parent).post(reverse("news:item-confirm", args=[notice.pk]))
    head = client_for(news.a.head)
    head.get(reverse("news:item-list"))
    url = reverse("news:item-confirmations", args=[notice.pk])
    # session, user, notice, counts, page count, page of people, their children
    for show, rows in (("pending", families - 1), ("confirmed", 1)):
        with django_assert_num_queries(7 if rows else 5):
            response = head.get(url, {"show": show})
        assert len(response.context["page_obj"].object_list) == min(rows, 50)
        assert (response.context["report"].total, response.context["report"].confirmed) == (families, 1)
