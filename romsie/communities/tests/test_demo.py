"""The demo's community: an "Atelier théâtre" in each collège, with the partner invited."""

from __future__ import annotations

from django.urls import reverse

from romsie.communities import demo
from romsie.communities.models import Community, Membership, WallPost, WikiPage
from romsie.core.testing.world import World
from romsie.documents.models import Node, Space


def test_the_demo_builds_a_theatre_workshop_in_each_college_only(communities: World, client_for) -> None:
    w = communities
    for place in (w.a, w.b):
        place.establishment.enabled_services = [*place.establishment.enabled_services, "documents"]
        place.establishment.save(update_fields=["enabled_services"])
    assert demo.populate([w.a.establishment.pk, w.b.establishment.pk]) > 0
    found = Community.objects.get()
    assert found.establishment == w.a.establishment and found.name == "Atelier théâtre"
    invited = Membership.objects.get(community=found, user=w.a.partner)
    assert invited.status == Membership.Status.INVITED
    assert WallPost.objects.filter(community=found).count() == 3
    assert WikiPage.objects.get(community=found, slug="distribution").revisions.count() == 2
    folder = Space.objects.get(kind=Space.Kind.GROUP, group_kind="community", group_id=found.pk)
    assert Node.objects.filter(space=folder, is_folder=False).count() == 2

    partner = client_for(w.a.partner)
    partner.post(reverse("communities:invitation-accept", args=[invited.pk]))
    page = partner.get(reverse("communities:community-detail", args=[found.pk])).content.decode()
    assert "Bienvenue dans l'atelier théâtre" in page
    wiki = client_for(w.a.student).get(reverse("communities:wiki-page", args=[found.pk, "accueil"]))
    assert wiki.status_code == 200
