"""Ids that come from a request (form data, query string) are read through the access gate only."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from romsie.core.testing import factories as f
from romsie.core.testing.world import World
from romsie.identity.models import Role, User
from romsie.messaging.models import Delivery, Message, Policy

from .helpers import send


def _strangers(world: World) -> list[User]:
    """People a parent of ``a`` may not write to: other establishments, other families, the operator."""
    operator = f.UserFactory(username="operator", last_name="Operateur", is_staff=True, is_superuser=True)
    c, b = world.c, world.b
    return [c.student, c.teacher, c.parent, c.head, b.student, b.teacher, world.a.student2, world.a.parent2,
            world.territory_admin, operator]  # fmt: skip


def test_an_invalid_compose_form_names_only_people_one_may_write_to(mworld: World, client_for: Any) -> None:
    """Forged ``recipients=user:<id>`` for every account: the page names none of the others."""
    a = mworld.a
    strangers = _strangers(mworld)
    every_id = list(User.objects.values_list("pk", flat=True))
    response = client_for(a.parent).post(
        reverse("messaging:compose"),
        {"subject": "", "body": "Bonjour", "recipients": [f"user:{pk}" for pk in every_id]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    for person in strangers:
        assert person.last_name not in page, person.username
        assert f'value="user:{person.pk}"' not in page, person.username
    # The people the parent may write to are still shown as chosen.
    assert f'value="user:{a.teacher.pk}"' in page and a.teacher.get_full_name() in page
    assert {p.pk for p in response.context["chosen_people"]} <= {a.teacher.pk, *(a.people[r].pk for r in a.people)}
    assert not Message.objects.exists()


def test_a_refused_send_names_only_people_one_may_write_to(mworld: World, client_for: Any) -> None:
    """A valid form refused by the service (here: suspended) re-renders no stranger either."""
    a = mworld.a
    Policy.objects.create(establishment=a.establishment, mode="suspended")
    response = client_for(a.student).post(
        reverse("messaging:compose"),
        {"subject": "Salut", "body": "Bonjour", "recipients": [f"user:{mworld.c.student.pk}", f"user:{a.teacher.pk}"]},
    )
    page = response.content.decode()
    assert "Messaging is suspended" in page
    assert mworld.c.student.last_name not in page and a.teacher.last_name in page


def test_the_mailing_list_form_names_only_people_one_may_write_to(mworld: World, client_for: Any) -> None:
    a, c = mworld.a, mworld.c
    response = client_for(a.head).post(
        reverse("messaging:list-create"),
        {"name": "", "recipients": [f"user:{c.teacher.pk}", f"user:{c.student.pk}", f"user:{a.teacher.pk}"]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required" in page
    assert c.teacher.last_name not in page and c.student.last_name not in page


def test_a_reply_shows_the_sender_one_could_not_otherwise_write_to(mworld: World, client_for: Any) -> None:
    """The reply's sender is chosen (and named) even when not otherwise writable; others are not."""
    a = mworld.a
    other_teacher = f.person(a.establishment, Role.TEACHER, username="teacher2.a", last_name="Autreprof")
    message = send(other_teacher, [f"user:{a.student.pk}"], subject="Sortie")
    client = client_for(a.student)
    page = client.get(reverse("messaging:compose"), {"reply": message.pk})
    assert [p.pk for p in page.context["chosen_people"]] == [other_teacher.pk]
    # An invalid POST of the reply still shows the sender, and only them.
    data = {"reply": message.pk, "subject": "", "body": "Merci", "recipients": [f"user:{other_teacher.pk}"]}
    page = client.post(reverse("messaging:compose"), data)
    assert [p.pk for p in page.context["chosen_people"]] == [other_teacher.pk]
    # The same id without the reply is not named.
    page = client.post(reverse("messaging:compose"), {**data, "reply": ""})
    assert page.context["chosen_people"] == [] and "Autreprof" not in page.content.decode()


def test_a_draft_reply_is_sent_as_a_reply(mworld: World, client_for: Any) -> None:
    """A draft answering someone one may not otherwise write to keeps its reply link when reopened."""
    a = mworld.a
    other_teacher = f.person(a.establishment, Role.TEACHER, username="teacher2.a", last_name="Autreprof")
    message = send(other_teacher, [f"user:{a.student.pk}"], subject="Sortie")
    client = client_for(a.student)
    data = {"reply": message.pk, "subject": "Re: Sortie", "body": "Merci", "recipients": [f"user:{other_teacher.pk}"]}
    client.post(reverse("messaging:compose"), {**data, "save_draft": "1"})
    draft = Message.objects.get(sender=a.student)
    page = client.get(reverse("messaging:compose"), {"draft": draft.pk})
    assert [p.pk for p in page.context["chosen_people"]] == [other_teacher.pk]
    assert f'name="reply" value="{message.pk}"' in page.content.decode()
    client.post(reverse("messaging:compose"), {**data, "draft": draft.pk})
    draft.refresh_from_db()
    assert not draft.is_draft and draft.parent_id == message.pk
    assert Delivery.objects.filter(message=draft, recipient=other_teacher, folder="inbox").exists()
