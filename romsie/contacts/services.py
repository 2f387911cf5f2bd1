"""Writes of the address book: contacts, groups, vCard import. Keyword-only, one transaction each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.uploads import check_upload
from romsie.identity.models import User

from . import access
from .models import Contact, ContactGroup
from .vcard import CardData, read_vcards

#: What an imported address book may be: a text ``.vcf`` file of 2 MB at most.
VCF_KINDS = {"vcf": ("text/vcard", None), "vcard": ("text/vcard", None)}
VCF_MAX_BYTES = 2 * 1024 * 1024
MAX_CONTACTS = 5000
MAX_GROUPS = 200


def _check(*, scope: Scope, fields: dict[str, Any], person: User | None, groups: Sequence[ContactGroup]) -> None:
    if not any(fields.get(k) for k in ("first_name", "last_name", "organisation", "emails", "phones")):
        raise ApplicationError(_("Give the contact at least a name, an organisation, an e-mail or a phone."))
    if person is not None and not access.linkable_people(scope).filter(pk=person.pk).exists():
        raise ApplicationError(_("You may not link this contact to this person."))
    own = set(access.visible_groups(scope).values_list("pk", flat=True))
    if any(g.pk not in own for g in groups):
        raise ApplicationError(_("Choose among your own groups."))


def _changed(scope: Scope) -> None:
    """Refresh the person's cached address book once the transaction is committed (nothing on a refusal)."""
    user_id = scope.user_id
    transaction.on_commit(lambda: versions.bump(versions.Kind.CONTACTS, user_id))


@transaction.atomic
def contact_create(
    *, scope: Scope, fields: dict[str, Any], person: User | None = None, groups: Sequence[ContactGroup] = ()
) -> Contact:
    """Add a contact to the person's address book."""
    _changed(scope)
    _check(scope=scope, fields=fields, person=person, groups=groups)
    if access.visible_contacts(scope).count() >= MAX_CONTACTS:
        raise ApplicationError(_("Your address book is full (%(max)d contacts).") % {"max": MAX_CONTACTS})
    contact = Contact(owner_id=scope.user_id, person=person, **fields)
    contact.refresh_search_name()
    contact.save()
    contact.groups.set(groups)
    return contact


@transaction.atomic
def contact_update(
    *,
    scope: Scope,
    contact: Contact,
    version: int | None,
    fields: dict[str, Any],
    person: User | None = None,
    groups: Sequence[ContactGroup] = (),
) -> Contact:
    """Change a contact (refused when someone, a phone's sync say, changed it since the form showed it)."""
    _changed(scope)
    _check(scope=scope, fields=fields, person=person, groups=groups)
    claim_version(contact, version)
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.person = person
    contact.refresh_search_name()
    contact.save()
    contact.groups.set(groups)
    return contact


@transaction.atomic
def contact_delete(*, scope: Scope, contact: Contact) -> None:
    """Remove a contact from the person's address book."""
    _changed(scope)
    access.visible_contacts(scope).filter(pk=contact.pk).delete()


@transaction.atomic
def group_create(*, scope: Scope, name: str) -> ContactGroup:
    """Create a group of contacts."""
    _changed(scope)
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the group a name."))
    groups = access.visible_groups(scope)
    if groups.filter(name=name).exists():
        raise ApplicationError(_("You already have a group of this name."))
    if groups.count() >= MAX_GROUPS:
        raise ApplicationError(_("You have too many groups (%(max)d at most).") % {"max": MAX_GROUPS})
    return ContactGroup.objects.create(owner_id=scope.user_id, name=name)


@transaction.atomic
def group_rename(*, scope: Scope, group: ContactGroup, name: str) -> ContactGroup:
    """Rename a group of contacts."""
    _changed(scope)
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the group a name."))
    if access.visible_groups(scope).filter(name=name).exclude(pk=group.pk).exists():
        raise ApplicationError(_("You already have a group of this name."))
    group.name = name
    group.save(update_fields=["name"])
    return group


@transaction.atomic
def group_delete(*, scope: Scope, group: ContactGroup) -> None:
    """Delete a group; its contacts stay in the address book."""
    _changed(scope)
    access.visible_groups(scope).filter(pk=group.pk).delete()


def _read_upload(upload: UploadedFile) -> list[CardData]:
    try:
        check_upload(upload, max_bytes=VCF_MAX_BYTES, allowed=VCF_KINDS)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages)) from error
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    try:
        return list(read_vcards(text))
    except ValueError as error:
        raise ApplicationError(_("This file is not an address book (vCard) that can be read.")) from error


def _groups_named(scope: Scope, names: Sequence[str]) -> dict[str, ContactGroup]:
    """The person's groups by name, those of ``names`` (a card's CATEGORIES) created when missing."""
    groups = {g.name: g for g in access.visible_groups(scope)}
    missing = {name[:100] for name in names} - set(groups)
    if not missing:
        return groups
    if len(groups) + len(missing) > MAX_GROUPS:
        raise ApplicationError(_("You have too many groups (%(max)d at most).") % {"max": MAX_GROUPS})
    ContactGroup.objects.bulk_create([ContactGroup(owner_id=scope.user_id, name=n) for n in sorted(missing)])
    return {g.name: g for g in access.visible_groups(scope)}


@transaction.atomic
def card_save(*, scope: Scope, uid: str, card: CardData, version: int | None) -> tuple[Contact, bool]:
    """Write the card a CardDAV client sends for ``uid``: a new contact, or a change of that one.

    A change claims ``version`` (the ETag the client had), so an edit made on a page or another
    phone since is never silently overwritten. The card's CATEGORIES become the contact's groups
    (created when missing); its link to an ENT person is kept. Returns (contact, created).
    """
    _changed(scope)
    # One person's writes take turns (two phones syncing at once): the second sees the first's card.
    list(User.objects.select_for_update().filter(pk=scope.user_id).values_list("pk", flat=True))
    fields = card.fields()
    if not any(fields.get(k) for k in ("first_name", "last_name", "organisation", "emails", "phones")):
        raise ApplicationError(_("Give the contact at least a name, an organisation, an e-mail or a phone."))
    contact = access.visible_contacts(scope).filter(uid=uid).first()
    created = contact is None
    if contact is None:
        if access.visible_contacts(scope).count() >= MAX_CONTACTS:
            raise ApplicationError(_("Your address book is full (%(max)d contacts).") % {"max": MAX_CONTACTS})
        contact = Contact(owner_id=scope.user_id, uid=uid)
    else:
        claim_version(contact, version if version is not None else contact.version)
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.refresh_search_name()
    contact.save()
    groups = _groups_named(scope, card.categories)
    contact.groups.set([groups[name[:100]] for name in dict.fromkeys(card.categories)])
    return contact, created


@transaction.atomic
def contacts_import(*, scope: Scope, upload: UploadedFile) -> tuple[int, int]:
    """Add or update the contacts of a ``.vcf`` file; return (added, updated).

    A card whose UID is already in the address book updates that contact; its CATEGORIES become
    groups (created when missing). Bulk writes: a few queries whatever the number of cards.
    """
    _changed(scope)
    cards = _read_upload(upload)
    if not cards:
        raise ApplicationError(_("This file holds no contact."))
    # Two imports of one person at once (two tabs) take turns: the second sees the first's UIDs.
    list(User.objects.select_for_update().filter(pk=scope.user_id).values_list("pk", flat=True))
    existing = {c.uid: c for c in access.visible_contacts(scope).filter(uid__in=[c.uid for c in cards if c.uid])}
    added = [c for c in cards if not c.uid or c.uid not in existing]
    if access.visible_contacts(scope).count() + len(added) > MAX_CONTACTS:
        raise ApplicationError(_("Your address book is full (%(max)d contacts).") % {"max": MAX_CONTACTS})
    groups = _groups_named(scope, [name for card in cards for name in card.categories])
    new_rows: list[Contact] = []
    changed: list[Contact] = []
    seen: set[str] = set()
    pairs: list[tuple[str, CardData]] = []
    for card in cards:
        if card.uid and card.uid in existing:
            contact = existing[card.uid]
            for name, value in card.fields().items():
                setattr(contact, name, value)
            contact.version += 1
            changed.append(contact)
        elif card.uid and card.uid in seen:
            continue
        else:
            contact = Contact(owner_id=scope.user_id, **card.fields())
            if card.uid:
                contact.uid = card.uid
            new_rows.append(contact)
        seen.add(contact.uid)
        pairs.append((contact.uid, card))
        contact.refresh_search_name()
    Contact.objects.bulk_create(new_rows)
    fields = [*CardData().fields(), "search_name", "version"]
    Contact.objects.bulk_update(changed, fields)
    by_uid = {c.uid: c for c in access.visible_contacts(scope).filter(uid__in=seen)}
    links = [
        Contact.groups.through(contact_id=by_uid[uid].pk, contactgroup_id=groups[name[:100]].pk)
        for uid, card in pairs
        for name in dict.fromkeys(card.categories)
    ]
    Contact.groups.through.objects.bulk_create(links, ignore_conflicts=True)
    return len(new_rows), len(changed)
