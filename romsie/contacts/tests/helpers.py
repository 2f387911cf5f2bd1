"""Builders of address-book objects for the tests."""

from __future__ import annotations

from typing import Any

from romsie.contacts.models import Contact, ContactGroup
from romsie.identity.models import User


def make_contact(owner: User, *, groups: list[ContactGroup] | None = None, **fields: Any) -> Contact:
    """Create a contact of ``owner`` (a name by default)."""
    fields.setdefault("first_name", "Jeanne")
    fields.setdefault("last_name", "Martin")
    contact = Contact.objects.create(owner=owner, **fields)
    contact.refresh_search_name()
    contact.save(update_fields=["search_name"])
    if groups:
        contact.groups.set(groups)
    return contact


def make_group(owner: User, name: str = "Délégués") -> ContactGroup:
    return ContactGroup.objects.create(owner=owner, name=name)
