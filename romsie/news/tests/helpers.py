"""Builders of news objects for the tests, kept in one establishment."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from romsie.core.testing.world import EstablishmentWorld, World
from romsie.identity.models import User
from romsie.news.models import NewsClass, NewsItem, StickyNote
from romsie.schooling.models import SchoolClass

EVERYBODY = {"for_students": True, "for_parents": True, "for_teachers": True, "for_staff": True}


def enable_news(world: World) -> World:
    """Switch the news service on in the world's three establishments (idempotent)."""
    for place in (world.a, world.b, world.c):
        establishment = place.establishment
        if "news" not in establishment.enabled_services:
            establishment.enabled_services = [*establishment.enabled_services, "news"]
            establishment.save()
    return world


def make_item(
    place: EstablishmentWorld,
    *,
    author: User | None = None,
    classes: list[SchoolClass] | None = None,
    published_at: datetime.datetime | None = None,
    **fields: Any,
) -> NewsItem:
    """Create a published news item (addressed to everybody unless told otherwise)."""
    audience = {} if any(k.startswith("for_") for k in fields) else dict(EVERYBODY)
    if classes:
        audience.pop("for_staff", None)
    item = NewsItem.objects.create(
        establishment=place.establishment,
        author=author or place.head,
        title=fields.pop("title", "Réunion parents-professeurs"),
        body=fields.pop("body", "<p>Rendez-vous jeudi à 18 h.</p>"),
        published_at=published_at or timezone.now() - datetime.timedelta(hours=1),
        is_class_news=bool(classes),
        **audience,
        **fields,
    )
    for school_class in classes or []:
        NewsClass.objects.create(establishment=place.establishment, item=item, school_class=school_class)
    return item


def make_note(place: EstablishmentWorld, *, author: User | None = None, **fields: Any) -> StickyNote:
    if "school_class" not in fields and "person" not in fields:
        fields["school_class"] = place.school_class
    return StickyNote.objects.create(
        establishment=place.establishment,
        author=author or place.teacher,
        text=fields.pop("text", "Cahier oublié"),
        **fields,
    )
