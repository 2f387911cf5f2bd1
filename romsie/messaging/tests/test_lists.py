"""Mailing lists: created by staff, subscribed to, written to, with archives for members."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from romsie.core.errors import ApplicationError
from romsie.core.testing.world import World
from romsie.messaging import access
from romsie.messaging.models import Delivery, ListMembership, MailingList

from .helpers import scope_of, send


def test_staff_create_a_list_from_groups_and_write_to_it(mworld: World, client_for: Any) -> None:
    a = mworld.a
    response = client_for(a.head).post(
        reverse("messaging:list-create"),
        {
            "name": "Parents délégués",
            "description": "",
            "is_open": "on",
            "recipients": [f"class-guardians:{a.school_class.pk}"],
        },
    )
    mailing_list = MailingList.objects.get()
    assert response.status_code == 302
    assert set(mailing_list.members.values_list("pk", flat=True)) == {a.parent.pk}
    message = send(a.head, [f"list:{mailing_list.pk}"], subject="Réunion des délégués")
    assert message.mailing_list == mailing_list
    assert Delivery.objects.filter(message=message, recipient=a.parent, folder="inbox").exists()
    archive = client_for(a.parent).get(reverse("messaging:list-detail", args=[mailing_list.pk]))
    assert [m.subject for m in archive.context["detail"].archive] == ["Réunion des délégués"]


def test_people_subscribe_to_open_lists_only(mworld: World, client_for: Any) -> None:
    a = mworld.a
    open_list = MailingList.objects.create(establishment=a.establishment, name="Club échecs", is_open=True)
    closed = MailingList.objects.create(establishment=a.establishment, name="Conseil", is_open=False)
    client = client_for(a.student)
    client.post(reverse("messaging:list-subscription", args=[open_list.pk]), {"subscribe": "1"})
    assert ListMembership.objects.filter(mailing_list=open_list, user=a.student).exists()
    assert client.post(reverse("messaging:list-subscription", args=[closed.pk]), {"subscribe": "1"}).status_code == 404
    assert not ListMembership.objects.filter(mailing_list=closed).exists()
    client.post(reverse("messaging:list-subscription", args=[open_list.pk]), {"subscribe": "0"})
    assert not ListMembership.objects.filter(mailing_list=open_list).exists()
    from romsie.messaging import services

    with pytest.raises(ApplicationError):
        services.list_subscribe(scope=scope_of(a.student), mailing_list=closed, subscribe=True)


def test_members_write_to_a_list_only_when_it_allows_them(mworld: World) -> None:
    a = mworld.a
    mailing_list = MailingList.objects.create(establishment=a.establishment, name="Club", is_open=True)
    for member in (a.student, a.teacher):
        ListMembership.objects.create(establishment=a.establishment, mailing_list=mailing_list, user=member)
    token = f"list:{mailing_list.pk}"
    assert token not in {c.token for c in access.writable_groups(scope_of(a.student))}
    with pytest.raises(ApplicationError):
        send(a.student, [token])
    mailing_list.members_may_post = True
    mailing_list.save()
    assert token in {c.token for c in access.writable_groups(scope_of(a.student))}
    message = send(a.student, [token])
    assert list(Delivery.objects.filter(message=message, folder="inbox").values_list("recipient_id", flat=True)) == [
        a.teacher.pk
    ]


def test_archive_is_for_members_and_managers(mworld: World, client_for: Any) -> None:
    a = mworld.a
    mailing_list = MailingList.objects.create(establishment=a.establishment, name="Club", is_open=True)
    ListMembership.objects.create(establishment=a.establishment, mailing_list=mailing_list, user=a.teacher)
    message = send(a.head, [f"list:{mailing_list.pk}"], subject="Archive")
    url = reverse("messaging:list-archive-message", args=[mailing_list.pk, message.pk])
    assert client_for(a.teacher).get(url).status_code == 200
    assert client_for(a.school_life).get(url).status_code == 200  # a list manager
    assert client_for(a.student).get(url).status_code == 404  # may subscribe, but is not a member
