"""Builders of bookmarks and family-service links for the tests."""

from __future__ import annotations

from typing import Any

from romsie.bookmarks.models import Bookmark, FamilyLink, PushedBookmark
from romsie.establishments.models import Establishment, Territory
from romsie.identity.models import User


def make_bookmark(owner: User, **fields: Any) -> Bookmark:
    fields.setdefault("title", "Dictionnaire")
    fields.setdefault("url", "https://dictionnaire.example.org/")
    return Bookmark.objects.create(owner=owner, **fields)


def make_family_link(territory: Territory, **fields: Any) -> FamilyLink:
    fields.setdefault("title", "Paiement de la cantine")
    fields.setdefault("url", "https://cantine.example.org/")
    fields.setdefault("category", FamilyLink.Category.CANTEEN)
    return FamilyLink.objects.create(territory=territory, **fields)


def make_pushed(establishment: Establishment, **fields: Any) -> PushedBookmark:
    """Push a link (to every role of the establishment unless told otherwise)."""
    fields.setdefault("title", "Catalogue du CDI")
    fields.setdefault("url", "https://cdi.example.org/")
    if not any(k.startswith("for_") for k in fields):
        fields.update(for_students=True, for_parents=True, for_teachers=True, for_staff=True)
    return PushedBookmark.objects.create(establishment=establishment, **fields)
