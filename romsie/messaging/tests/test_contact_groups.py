"""Groups of the address book as recipients: only the members messaging lets one write to."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from romsie.contacts.models import Contact, ContactGroup
from romsie.core.testing.world import World
from romsie.messaging.models import Delivery


def _group_with(owner: Any, name: str, *people: Any) -> ContactGroup:
    group = ContactGroup.objects.create(owner=owner, name=name)
    for person in people:
        contact = Contact.objects.create(owner=owner, last_name=person.last_name if person else "Sans compte")
        contact.person = person
        contact.save()
        contact.groups.add(group)
    return group


def test_parent_writes_to_their_group_and_only_the_teacher_is_reached(mworld: World, client_for: Any) -> None:
    a = mworld.a
    # The group holds the child's teacher, another family's parent (whom a parent may not write
    # to) and someone outside the ENT.
    group = _group_with(a.parent, "Sortie au musée", a.teacher, a.parent2, None)
    client = client_for(a.parent)
    page = client.get(reverse("messaging:compose")).content.decode()
    assert f'value="contacts:{group.pk}"' in page and "Address book group Sortie au musée" in page
    response = client.post(
        reverse("messaging:compose"),
        {"subject": "Sortie", "body": "Bonjour", "recipients": [f"contacts:{group.pk}"]},
        follow=True,
    )
    shown = response.content.decode()
    assert "Message sent to 1 recipient(s)." in shown
    assert "1 member(s) of your groups were left out" in shown
    reached = set(Delivery.objects.filter(folder="inbox").values_list("recipient_id", flat=True))
    assert reached == {a.teacher.pk}


def test_someone_elses_group_is_refused_and_nothing_is_sent(mworld: World, client_for: Any) -> None:
    a = mworld.a
    theirs = _group_with(a.teacher, "Collègues", a.head)
    response = client_for(a.parent).post(
        reverse("messaging:compose"),
        {"subject": "Sortie", "body": "Bonjour", "recipients": [f"contacts:{theirs.pk}"]},
    )
    assert response.status_code == 200
    assert not Delivery.objects.exists()


def test_a_group_without_people_of_the_ent_is_not_offered(mworld: World, client_for: Any) -> None:
    a = mworld.a
    group = _group_with(a.parent, "Famille", None)
    page = client_for(a.parent).get(reverse("messaging:compose")).content.decode()
    assert f"contacts:{group.pk}" not in page
