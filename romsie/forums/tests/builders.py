"""Forum objects for tests: forums of each kind, a category, topics with replies."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from romsie.core.testing.world import EstablishmentWorld
from romsie.forums.models import Category, Forum, Reply, Subscription, Topic
from romsie.schooling import audiences
from romsie.schooling.audiences import AudienceChoice

SERVICES = ["directory", "forums"]


def enable(*worlds: EstablishmentWorld) -> None:
    """Switch the forums service on in these establishments."""
    for ew in worlds:
        ew.establishment.enabled_services = SERVICES
        ew.establishment.save(update_fields=["enabled_services"])


def forum(
    ew: EstablishmentWorld,
    *,
    kind: str = Forum.Kind.ESTABLISHMENT,
    title: str = "Forum du collège",
    audience: AudienceChoice | None = None,
    **fields: Any,
) -> Forum:
    """A forum of ``ew`` with one category, "Général" (default: the establishment's, for everyone)."""
    row = Forum.objects.create(establishment=ew.establishment, kind=kind, title=title, **fields)
    if kind == Forum.Kind.ESTABLISHMENT:
        audiences.audience_apply(row, audience or AudienceChoice())
    Category.objects.create(establishment=ew.establishment, forum=row, name="Général", position=1)
    return row


def class_forum(ew: EstablishmentWorld) -> Forum:
    return forum(ew, kind=Forum.Kind.CLASS, title=f"Forum de la {ew.school_class.name}", school_class=ew.school_class)


def topic(
    row: Forum, author: Any, *, title: str = "Sortie au musée", replies: int = 1, category: Category | None = None
) -> Topic:
    """A topic of ``row`` by ``author`` with ``replies`` messages (the first opens it), written in bulk."""
    now = timezone.now()
    category = category or row.categories.order_by("position").first()
    assert category is not None
    made = Topic.objects.create(
        establishment_id=row.establishment_id,
        forum=row,
        category=category,
        title=title,
        author=author,
        created_at=now,
        last_reply_at=now,
        reply_count=replies,
    )
    Reply.objects.bulk_create(
        Reply(
            establishment_id=row.establishment_id,
            topic=made,
            position=n,
            author=author,
            body=f"<p>Message numéro {n}</p>",
            created_at=now + datetime.timedelta(seconds=n),
        )
        for n in range(1, replies + 1)
    )
    Subscription.objects.create(establishment_id=row.establishment_id, user=author, topic=made)
    return made
