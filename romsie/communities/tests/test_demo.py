"""The demo's community: an "Atelier théâtre" in each collège, with the partner invited."""

from __future__ import annotations

from django.urls import reverse

from romsie.agenda import demo as agenda_demo
from romsie.communities import demo
from romsie.communities.models import Community, Membership, WallPost, WikiPage
from romsie.core.testing.world import World


def test_the_demo_builds_a_theatre_workshop_in_each_college_only(communities: World, client_for) -> None:
    w = communities
    for place in (w.a, w.b):
        place.establishment.enabled_services = [*place.establishment.enabled_services, "agenda"]
        place.establishment.save(update_fields=["enabled_services"])
    assert demo.populate([w.a.establishment.pk, w.b.establishment.pk]) > 0
    agenda_demo.populate([w.a.establishment.pk])
    found = Community.objects.get()
    assert found.establishment == w.a.establishment and found.name == "Atelier théâtre"
    invited = Membership.objects.get(community=found, user=w.a.partner)
    assert invited.status == Membership.Status.INVITED
    assert WallPost.objects.filter(community=found).count() == 3
    assert WikiPage.objects.get(community=found, slug="distribution").revisions.count() == 2

    partner = client_for(w.a.partner)
    partner.post(reverse("communities:invitation-accept", args=[invited.pk]))
    page = partner.get(reverse("communities:community-detail", args=[found.pk])).content.decode()
    assert "Bienvenue dans l'atelier théâtre" in page
    wiki = client_for(w.a.student).get(reverse("communities:wiki-page", args=[found.pk, "accueil"]))
    assert wiki.status_code == 200
    teacher = client_for(w.a.teacher)
    assert "Répétition" in teacher.get(reverse("agenda:community", args=[found.pk])).content.decode()
