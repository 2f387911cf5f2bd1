"""Contacts as vCards and back (vCard 3.0 written; 3.0 and 4.0 read), with ``vobject``.

``to_vcard(contact)`` writes one card; ``from_vcard(text)`` reads one card into a
:class:`CardData`, ``read_vcards(text)`` every card of a ``.vcf`` file. The same functions serve
the import and export of the address book and CardDAV: the card's UID is the contact's
``uid``. A card that cannot be read raises ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import vobject

MAX_CARDS = 2000  # one file at most; an address book is a few hundred cards


@dataclass
class CardData:
    """What a vCard says about a contact, in the address book's terms."""

    uid: str = ""
    first_name: str = ""
    last_name: str = ""
    organisation: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    address: str = ""
    notes: str = ""
    categories: list[str] = field(default_factory=list)

    def fields(self) -> dict[str, Any]:
        """The contact's fields (not its uid nor its groups)."""
        return {
            "first_name": self.first_name[:100],
            "last_name": self.last_name[:100],
            "organisation": self.organisation[:150],
            "emails": self.emails[:10],
            "phones": self.phones[:10],
            "address": self.address,
            "notes": self.notes,
        }


def to_vcard(contact: Any, *, categories: list[str] | None = None) -> str:
    """Return the contact as a vCard 3.0 (its groups as CATEGORIES when given)."""
    card = vobject.vCard()
    card.add("version").value = "3.0"
    card.add("uid").value = contact.uid
    card.add("fn").value = contact.display_name
    card.add("n").value = vobject.vcard.Name(family=contact.last_name, given=contact.first_name)
    if contact.organisation:
        card.add("org").value = [contact.organisation]
    for email in contact.emails:
        line = card.add("email")
        line.value = email
        line.type_param = "INTERNET"
    for phone in contact.phones:
        card.add("tel").value = phone
    if contact.address:
        card.add("adr").value = vobject.vcard.Address(street=contact.address)
    if contact.notes:
        card.add("note").value = contact.notes
    if categories:
        card.add("categories").value = categories
    serialized: str = card.serialize()
    return serialized


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value if v).strip()
    return str(value or "").strip()


def _address(value: Any) -> str:
    if isinstance(value, vobject.vcard.Address):
        parts = [_text(value.box), _text(value.extended), _text(value.street)]
        town = " ".join(p for p in (_text(value.code), _text(value.city)) if p)
        parts += [town, _text(value.region), _text(value.country)]
        return "\n".join(p for p in parts if p)
    return _text(value)


def _phone(value: str) -> str:
    value = value.strip()
    return value[4:] if value.lower().startswith("tel:") else value


def _card_data(card: Any) -> CardData:
    contents = card.contents
    data = CardData()
    if "uid" in contents:
        data.uid = _text(contents["uid"][0].value)[:255]
    if "n" in contents and isinstance(contents["n"][0].value, vobject.vcard.Name):
        name = contents["n"][0].value
        data.last_name = _text(name.family)
        data.first_name = _text(name.given)
    if not (data.first_name or data.last_name) and "fn" in contents:
        full = _text(contents["fn"][0].value)
        first, _sep, last = full.rpartition(" ")
        data.first_name, data.last_name = (first, last) if first else ("", full)
    if "org" in contents:
        data.organisation = _text(contents["org"][0].value)
    data.emails = [_text(line.value) for line in contents.get("email", []) if _text(line.value)]
    data.phones = [_phone(_text(line.value)) for line in contents.get("tel", []) if _text(line.value)]
    if "adr" in contents:
        data.address = _address(contents["adr"][0].value)
    if "note" in contents:
        data.notes = _text(contents["note"][0].value)
    for line in contents.get("categories", []):
        values = line.value if isinstance(line.value, list) else [line.value]
        data.categories += [_text(v) for v in values if _text(v)]
    if not (data.first_name or data.last_name or data.organisation or data.emails or data.phones):
        raise ValueError("empty card")
    return data


def read_vcards(text: str) -> Iterator[CardData]:
    """Yield the cards of a ``.vcf`` text (vCard 2.1, 3.0 or 4.0); raise ``ValueError`` on a broken one."""
    try:
        for count, card in enumerate(vobject.readComponents(text, ignoreUnreadable=True)):
            if count >= MAX_CARDS:
                raise ValueError("too many cards")
            if card.name.upper() != "VCARD":
                continue
            yield _card_data(card)
    except (vobject.base.ParseError, AttributeError, TypeError) as error:
        raise ValueError(str(error)) from error


def from_vcard(text: str) -> CardData:
    """Read the one card of ``text`` (a CardDAV PUT, a single-card file)."""
    cards = list(read_vcards(text))
    if len(cards) != 1:
        raise ValueError("expected one card")
    return cards[0]
