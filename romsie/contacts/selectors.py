"""Reads of the address book, from the gates of ``access``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.core.text import fold

from . import access
from .models import Contact, ContactGroup


def contact_list_for_owner(scope: Scope, *, query: str = "", group_id: int | None = None) -> QuerySet[Contact]:
    """Return the person's contacts matching every word of ``query`` (and in a group), sorted by name."""
    contacts = access.visible_contacts(scope)
    for word in fold(query).split()[:4]:
        contacts = contacts.filter(search_name__contains=word)
    if group_id is not None:
        contacts = contacts.filter(groups__id=group_id)
    groups = Prefetch("groups", queryset=ContactGroup.objects.order_by("name"))
    return contacts.select_related("person").prefetch_related(groups).order_by("search_name", "pk")


def contact_detail(scope: Scope, pk: int) -> Contact:
    """Return one contact with its groups and ENT person (404 when not the person's)."""
    contact = access.get_contact(scope, pk)
    return contact


def contact_groups(contact: Contact) -> list[ContactGroup]:
    return list(contact.groups.order_by("name"))


def group_list_for_owner(scope: Scope) -> QuerySet[ContactGroup]:
    """Return the person's groups with their number of contacts."""
    return access.visible_groups(scope).annotate(size=Count("contacts")).order_by("name", "pk")


@dataclass(frozen=True)
class GroupRecipient:
    """A group of contacts as messaging offers it: its id and name."""

    pk: int
    name: str


def groups_with_people(scope: Scope) -> list[GroupRecipient]:
    """Return the person's groups holding at least one ENT person (one query): messaging's "my groups"."""
    rows = (
        access.visible_groups(scope)
        .filter(contacts__person__isnull=False)
        .distinct()
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    return [GroupRecipient(pk, name) for pk, name in rows]


def contacts_for_export(scope: Scope) -> list[Contact]:
    """Return every contact of the person with its groups (two queries), for a ``.vcf`` export."""
    groups = Prefetch("groups", queryset=ContactGroup.objects.order_by("name"))
    return list(access.visible_contacts(scope).prefetch_related(groups).order_by("search_name", "pk"))


def address_book_stamp(scope: Scope) -> tuple[int, ...]:
    """The version of the person's address book, bumped by every write (pages, imports, CardDAV)."""
    return versions.stamp(versions.key(versions.Kind.CONTACTS, scope.user_id))
