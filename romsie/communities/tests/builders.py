"""Community objects for tests, kept in one establishment."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from romsie.communities.models import Comment, Community, Membership, WallPost, WikiPage, WikiRevision
from romsie.communities.selectors import wiki_slug
from romsie.core.richtext import clean_rich_text
from romsie.core.testing.world import EstablishmentWorld, World

SERVICE = "communities"


def enable(world: World) -> World:
    """Switch the communities service on in the world's three establishments (idempotent)."""
    for place in (world.a, world.b, world.c):
        establishment = place.establishment
        if SERVICE not in establishment.enabled_services:
            establishment.enabled_services = [*establishment.enabled_services, SERVICE]
            establishment.save(update_fields=["enabled_services"])
    return world


def member(community: Community, user: Any, *, role: str = Membership.Role.MEMBER, invited: bool = False) -> Membership:
    return Membership.objects.create(
        establishment_id=community.establishment_id,
        community=community,
        user=user,
        role=role,
        status=Membership.Status.INVITED if invited else Membership.Status.ACTIVE,
        joined_at=None if invited else timezone.now(),
    )


def community(place: EstablishmentWorld, *, name: str = "Atelier théâtre", members: bool = True) -> Community:
    """A community of ``place`` owned by its teacher; its student and partner are members."""
    found = Community.objects.create(
        establishment=place.establishment, name=name, description="Théâtre en 6e", created_by=place.teacher
    )
    member(found, place.teacher, role=Membership.Role.OWNER)
    if members:
        member(found, place.student)
        member(found, place.partner)
    return found


def post(found: Community, author: Any, body: str = "<p>Répétition jeudi.</p>", **fields: Any) -> WallPost:
    return WallPost.objects.create(
        establishment_id=found.establishment_id, community=found, author=author, body=body, **fields
    )


def comment(on: WallPost, author: Any, body: str = "Bravo !") -> Comment:
    return Comment.objects.create(establishment_id=on.establishment_id, post=on, author=author, body=body)


def page(
    found: Community, title: str = "Distribution", body: str = "<p>Les rôles.</p>", author: Any = None
) -> WikiPage:
    body = clean_rich_text(body)
    created = WikiPage.objects.create(
        establishment_id=found.establishment_id,
        community=found,
        title=title,
        slug=wiki_slug(title),
        body=body,
        updated_by=author,
    )
    WikiRevision.objects.create(
        establishment_id=found.establishment_id, page=created, number=1, title=title, body=body, author=author
    )
    return created
