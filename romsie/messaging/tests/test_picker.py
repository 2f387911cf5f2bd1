"""The compose page's picker: its cost does not grow with the people and groups it offers."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from romsie.core.testing import factories as f
from romsie.core.testing.world import World
from romsie.identity.models import Role
from romsie.messaging.models import Message

PINNED = 11  # the same for 1 and 50: choices, chosen people and search are one query each; linkable documents one;
# one for the groups of one's address book


@pytest.mark.parametrize("size", [1, 50])
def test_compose_costs_the_same_for_1_and_50_people_and_groups(
    mworld: World, client_for: Any, django_assert_num_queries: Any, size: int
) -> None:
    a = mworld.a
    people = [f.person(a.establishment, Role.TEACHER, last_name=f"Zorglub{n}") for n in range(size)]
    classes = [
        f.SchoolClassFactory(establishment=a.establishment, school_year=a.school_class.school_year, name=f"5e {n}")
        for n in range(size)
    ]
    tokens = [f"user:{p.pk}" for p in people] + [f"class-guardians:{c.pk}" for c in classes]
    client = client_for(a.head)
    compose = reverse("messaging:compose")
    client.get(compose)  # warm the scope cache, as any later page has it
    # The subject is missing: the page comes back with every choice ticked and the search done.
    with django_assert_num_queries(PINNED):
        response = client.post(compose, {"subject": "", "body": "x", "recipients": tokens, "q": "zorglub"})
    page = response.content.decode()
    assert response.status_code == 200
    assert len(response.context["chosen_people"]) == size
    assert all(f'value="{t}" id="id_recipients-{t.replace(":", "")}" checked' in page for t in tokens)


def test_without_javascript_the_search_button_searches_and_sends_nothing(mworld: World, client_for: Any) -> None:
    a = mworld.a
    data = {"subject": "Sortie", "body": "Bonjour", "recipients": [f"user:{a.parent.pk}"], "q": a.head.last_name}
    response = client_for(a.teacher).post(reverse("messaging:compose"), {**data, "picker_search": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and not Message.objects.exists()
    assert f'value="user:{a.head.pk}" id="id_recipients-found-user{a.head.pk}"' in page
    assert f'value="user:{a.parent.pk}" id="id_recipients-user{a.parent.pk}" checked' in page
    assert "<select" not in page.split('id="id_recipients"')[1].split("</fieldset>")[0]


def test_a_forged_token_is_a_form_error_and_the_stranger_is_not_named(mworld: World, client_for: Any) -> None:
    a, c = mworld.a, mworld.c
    data = {"subject": "Salut", "body": "Bonjour", "recipients": [f"user:{a.teacher.pk}", f"user:{c.teacher.pk}"]}
    response = client_for(a.parent).post(reverse("messaging:compose"), data)
    page = response.content.decode()
    assert "You may not write to some of the people chosen" in page
    assert c.teacher.last_name not in page and not Message.objects.exists()
