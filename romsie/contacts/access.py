"""Who sees and edits an address book.

* An address book is personal: its owner alone lists, reads, edits and deletes its contacts and
  groups, and only where the address book service is on and ``contacts.use`` held. Anyone
  else's contact or group is not found (404), the establishment's staff included.
* The ENT person a contact stands for is chosen among the people the owner may find in the
  directory (``directory.access.visible_people``): a contact never reveals anyone else.
* A contact's groups can be used as message recipients: messaging asks ``group_person_ids``
  and keeps only the people its own rules let the person write to.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.directory.access import visible_people
from romsie.identity.models import User

from .habilitations import ContactsHabilitation
from .models import Contact, ContactGroup

SERVICE = "contacts"


def may_use(scope: Scope) -> bool:
    """Whether the person may use an address book here (the service on, ``contacts.use`` held)."""
    return scope.user_id is not None and SERVICE in scope.services and scope.has(ContactsHabilitation.USE)


def visible_contacts(scope: Scope) -> QuerySet[Contact]:
    """Return the person's own contacts (none without ``contacts.use``)."""
    if not may_use(scope):
        return Contact.objects.none()
    return Contact.objects.filter(owner_id=scope.user_id)


def get_contact(scope: Scope, contact_id: int) -> Contact:
    """Return one of the person's contacts, or raise 404."""
    return first_or_404(visible_contacts(scope).filter(pk=contact_id))


def visible_groups(scope: Scope) -> QuerySet[ContactGroup]:
    """Return the person's own groups of contacts."""
    if not may_use(scope):
        return ContactGroup.objects.none()
    return ContactGroup.objects.filter(owner_id=scope.user_id)


def get_group(scope: Scope, group_id: int) -> ContactGroup:
    """Return one of the person's groups, or raise 404."""
    return first_or_404(visible_groups(scope).filter(pk=group_id))


def linkable_people(scope: Scope) -> QuerySet[User]:
    """Return the ENT people a contact may stand for: those the directory lets the person find."""
    return visible_people(scope).exclude(pk=scope.user_id)


def group_person_ids(scope: Scope, group_id: int) -> QuerySet[Any, Any]:
    """Return the ids of the ENT people of one of the person's groups (a subquery)."""
    return (
        visible_contacts(scope)
        .filter(groups__id=group_id, groups__owner_id=scope.user_id, person__isnull=False)
        .values("person_id")
    )
