"""A community's agenda: its members see its events, nobody else; a removed member at once."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from romsie.agenda import demo as agenda_demo
from romsie.agenda.models import Event
from romsie.communities import demo as communities_demo
from romsie.communities.models import Community, Membership
from romsie.communities.tests import builders as community_builders
from romsie.core.testing.world import World

from .builders import enable


def _rehearsal(community: Community, owner) -> Event:
    # Today at noon: in this week's agenda whatever the hour (an hour from now is next week
    # late on a Sunday evening).
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    return Event.objects.create(
        establishment_id=community.establishment_id,
        agenda=Event.Agenda.COMMUNITY,
        community=community,
        owner=owner,
        title="Répétition générale",
        starts_at=noon,
        ends_at=noon + datetime.timedelta(hours=1),
    )


def test_members_see_the_community_event_others_do_not_and_a_removed_member_at_once(world: World, client_for) -> None:
    enable(world.a, world.c)
    community_builders.enable(world)
    a = world.a
    found = community_builders.community(a)
    _rehearsal(found, a.teacher)
    week = reverse("agenda:week")
    student = client_for(a.student)
    assert "Répétition générale" in student.get(week).content.decode()
    assert "Répétition générale" not in client_for(a.head).get(week).content.decode()  # agenda.publish: still no

    membership = Membership.objects.get(community=found, user=a.student)
    client_for(a.teacher).post(reverse("communities:member-remove", args=[membership.pk]))
    assert "Répétition générale" not in student.get(week).content.decode()


def test_a_manager_creates_an_event_in_the_community_agenda_a_member_may_not(world: World, client_for) -> None:
    enable(world.a, world.c)
    community_builders.enable(world)
    a = world.a
    found = community_builders.community(a)
    start = timezone.localtime() + datetime.timedelta(days=2)
    data = {
        "agenda": "community",
        "community": found.pk,
        "title": "Sortie au théâtre",
        "category": "trip",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
    }
    response = client_for(a.teacher).post(reverse("agenda:event-create"), data)
    assert response.status_code == 302
    event = Event.objects.get(title="Sortie au théâtre")
    assert event.community == found and not event.for_students and not event.is_narrowed
    listing = client_for(a.student).get(reverse("agenda:community", args=[found.pk])).content.decode()
    assert "Sortie au théâtre" in listing
    client_for(a.student).post(reverse("agenda:event-create"), {**data, "title": "Pas moi"})
    assert not Event.objects.filter(title="Pas moi", agenda="community").exists()


def test_the_demo_puts_a_rehearsal_in_the_theatre_workshops_agenda(world: World, client_for) -> None:
    enable(world.a, world.c)
    community_builders.enable(world)
    communities_demo.populate([world.a.establishment.pk])
    agenda_demo.populate([world.a.establishment.pk])
    found = Community.objects.get()
    page = client_for(world.a.teacher).get(reverse("agenda:community", args=[found.pk]))
    assert "Répétition" in page.content.decode()
