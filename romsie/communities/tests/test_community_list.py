"""The list of one's communities and invitations is cached: every change shows at once, and a
cached visit costs the session and the user only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from romsie.communities.models import Community, Membership
from romsie.core import versions
from romsie.core.testing.editing import page_text
from romsie.core.testing.world import World

from . import builders as b

LIST = reverse("communities:community-list")


def listing(client: Client) -> str:
    response = client.get(LIST)
    assert response.status_code == 200
    return page_text(response)


def link(found: Community) -> str:
    return f'href="{reverse("communities:community-detail", args=[found.pk])}"'


def accept_form(invitation: Membership) -> str:
    return f'action="{reverse("communities:invitation-accept", args=[invitation.pk])}"'


@pytest.mark.parametrize("rows", [1, 50])
def test_the_list_costs_the_same_for_1_and_50_communities(
    communities: World, client_for, django_assert_num_queries, rows: int
) -> None:
    w = communities
    for n in range(rows):
        b.community(w.a, name=f"Atelier {n:02}")
        b.member(b.community(w.a, name=f"Club {n:02}", members=False), w.a.student, invited=True)
    client = client_for(w.a.student)
    client.get(LIST)  # warm the scope cache (and the list)
    versions.bump(versions.Kind.COMMUNITIES, w.a.establishment.pk)  # as an invitation does
    # session, user; the communities with their member counts; the invitations with their
    # communities and who invited
    with django_assert_num_queries(4):
        response = client.get(LIST)
    assert len(response.context["communities"]) == rows and len(response.context["invitations"]) == rows
    with django_assert_num_queries(2):  # nothing changed: the list comes from the cache
        again = client.get(LIST)
    assert again.content.decode().count('class="community-card"') == 2 * rows


def test_creating_and_renaming_a_community_show_at_once(
    communities: World, client_for, django_capture_on_commit_callbacks
) -> None:
    w = communities
    teacher = client_for(w.a.teacher)
    assert "You belong to no community yet." in listing(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(reverse("communities:community-create"), {"name": "Club échecs", "description": "Le mardi"})
    found = Community.objects.get(name="Club échecs")
    assert link(found) in listing(teacher)
    b.member(found, w.a.student)
    student = client_for(w.a.student)
    assert "Club échecs" in listing(student)
    renamed = {"name": "Club échecs et dames", "description": "Le mardi", "version": found.version}
    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(reverse("communities:community-update", args=[found.pk]), renamed)
    assert "Club échecs et dames" in listing(student) and "Club échecs et dames" in listing(teacher)


def test_invitations_answers_and_departures_show_at_once(
    communities: World, client_for, django_capture_on_commit_callbacks
) -> None:
    w = communities
    found = b.community(w.a)  # the teacher owns it, the student and the partner are members
    teacher, student, newcomer = client_for(w.a.teacher), client_for(w.a.student), client_for(w.a.student2)
    assert "3 members" in listing(teacher) and link(found) in listing(student)
    assert link(found) not in listing(newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(reverse("communities:member-invite", args=[found.pk]), {"invitees": [f"user:{w.a.student2.pk}"]})
    invitation = Membership.objects.get(community=found, user=w.a.student2)
    assert accept_form(invitation) in listing(newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        newcomer.post(reverse("communities:invitation-accept", args=[invitation.pk]))
    page = listing(newcomer)
    assert accept_form(invitation) not in page and link(found) in page
    assert "4 members" in listing(teacher)
    # The newcomer leaves; the owner removes the student.
    with django_capture_on_commit_callbacks(execute=True):
        newcomer.post(reverse("communities:community-leave", args=[found.pk]))
    assert link(found) not in listing(newcomer) and "3 members" in listing(teacher)
    membership = Membership.objects.get(community=found, user=w.a.student)
    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(reverse("communities:member-remove", args=[membership.pk]))
    assert link(found) not in listing(student) and "2 members" in listing(teacher)


def test_a_declined_or_withdrawn_invitation_disappears_at_once(
    communities: World, client_for, django_capture_on_commit_callbacks
) -> None:
    w = communities
    found = b.community(w.a)
    invitation = b.member(found, w.a.student2, invited=True)
    teacher, newcomer = client_for(w.a.teacher), client_for(w.a.student2)
    assert accept_form(invitation) in listing(newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        newcomer.post(reverse("communities:invitation-decline", args=[invitation.pk]))
    assert accept_form(invitation) not in listing(newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(reverse("communities:member-invite", args=[found.pk]), {"invitees": [f"user:{w.a.student2.pk}"]})
    again = Membership.objects.get(community=found, user=w.a.student2)
    assert accept_form(again) in listing(newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(reverse("communities:member-remove", args=[again.pk]))
    assert accept_form(again) not in listing(newcomer)
