"""vCards: what the address book writes reads back the same; vCard 3.0 and 4.0 files from phones read."""

import pytest

from romsie.contacts.vcard import from_vcard, read_vcards, to_vcard

from .helpers import make_contact

VCARD_30 = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:abc-123\r\nFN:Jean Dupont\r\nN:Dupont;Jean;;;\r\n"
    "ORG:Mairie de Melun\r\nEMAIL;TYPE=INTERNET,WORK:jean.dupont@example.org\r\n"
    "TEL;TYPE=CELL:06 12 34 56 78\r\nADR;TYPE=HOME:;;3 rue des Lilas;Melun;;77000;France\r\n"
    "NOTE:Président de l'association\\, trésorier\r\nCATEGORIES:Parents délégués,Sortie\r\nEND:VCARD\r\n"
)
VCARD_40 = (
    "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1\r\n"
    "FN:Amélie Nguyen\r\nN:Nguyen;Amélie;;;\r\nEMAIL;TYPE=home:amelie@example.org\r\n"
    'TEL;VALUE=uri;TYPE="voice,cell":tel:+33-6-98-76-54-32\r\nEND:VCARD\r\n'
)


def test_a_contact_reads_back_the_same(world):
    contact = make_contact(
        world.a.parent,
        first_name="Éloïse",
        last_name="Lefèvre-Dubois",
        organisation="Association des parents",
        emails=["eloise@example.org", "e.lefevre@example.net"],
        phones=["01 23 45 67 89"],
        address="12 avenue de la République\n77000 Melun",
        notes="Présidente; disponible le mercredi, après 14 h",
    )
    text = to_vcard(contact, categories=["Délégués"])
    assert text.startswith("BEGIN:VCARD") and "VERSION:3.0" in text
    card = from_vcard(text)
    assert card.uid == contact.uid
    assert card.fields() == {
        "first_name": "Éloïse",
        "last_name": "Lefèvre-Dubois",
        "organisation": "Association des parents",
        "emails": ["eloise@example.org", "e.lefevre@example.net"],
        "phones": ["01 23 45 67 89"],
        "address": "12 avenue de la République\n77000 Melun",
        "notes": "Présidente; disponible le mercredi, après 14 h",
    }
    assert card.categories == ["Délégués"]


def test_a_vcard_30_from_a_phone_is_read():
    card = from_vcard(VCARD_30)
    assert (card.uid, card.first_name, card.last_name, card.organisation) == (
        "abc-123",
        "Jean",
        "Dupont",
        "Mairie de Melun",
    )
    assert card.emails == ["jean.dupont@example.org"] and card.phones == ["06 12 34 56 78"]
    assert card.address == "3 rue des Lilas\n77000 Melun\nFrance"
    assert card.notes == "Président de l'association, trésorier"
    assert card.categories == ["Parents délégués", "Sortie"]


def test_a_vcard_40_is_read_with_its_uri_phone():
    card = from_vcard(VCARD_40)
    assert card.uid == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert (card.first_name, card.last_name) == ("Amélie", "Nguyen")
    assert card.phones == ["+33-6-98-76-54-32"]


def test_a_file_of_several_cards_is_read_card_by_card():
    assert [c.last_name for c in read_vcards(VCARD_30 + VCARD_40)] == ["Dupont", "Nguyen"]


@pytest.mark.parametrize(
    "text",
    ["hello", "BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n", VCARD_30 + VCARD_40],
)
def test_anything_but_one_readable_card_is_refused(text):
    with pytest.raises(ValueError):
        from_vcard(text)
