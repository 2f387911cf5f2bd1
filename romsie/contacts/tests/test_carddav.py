"""CardDAV with a real client library (``caldav``'s WebDAV client) against a live server.

The client signs in with an app password, discovers the principal and its address book, lists,
reads, creates, changes and deletes cards; a stale ETag is refused and an edit made on the page
is never lost; another person's address book is not found; a malformed body is a 400, never a 500.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

import caldav
import pytest
from django.test import Client

from romsie.contacts.models import Contact
from romsie.core.access.scope import Scope
from romsie.core.testing.concurrency import committed_db
from romsie.core.testing.world import World
from romsie.documents.dav.services import app_password_create

from .helpers import make_contact, make_group

pytestmark = [pytest.mark.dav]

CARD = """BEGIN:VCARD
VERSION:3.0
UID:{uid}
FN:{first} {last}
N:{last};{first};;;
EMAIL;TYPE=INTERNET:{email}
TEL:+33 6 12 34 56 78
CATEGORIES:Club théâtre
END:VCARD
"""

PROPFIND_BOOK = """<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:cr="urn:ietf:params:xml:ns:carddav" xmlns:cs="http://calendarserver.org/ns/">
  <d:prop><d:resourcetype/><d:displayname/><d:getetag/><cs:getctag/></d:prop>
</d:propfind>"""

PRINCIPAL = """<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:cr="urn:ietf:params:xml:ns:carddav">
  <d:prop><d:current-user-principal/><cr:addressbook-home-set/></d:prop>
</d:propfind>"""

QUERY = """<?xml version="1.0" encoding="utf-8"?>
<cr:addressbook-query xmlns:d="DAV:" xmlns:cr="urn:ietf:params:xml:ns:carddav">
  <d:prop><d:getetag/><cr:address-data/></d:prop>
  <cr:filter><cr:prop-filter name="FN">
    <cr:text-match match-type="contains">{text}</cr:text-match>
  </cr:prop-filter></cr:filter>
</cr:addressbook-query>"""

MULTIGET = """<?xml version="1.0" encoding="utf-8"?>
<cr:addressbook-multiget xmlns:d="DAV:" xmlns:cr="urn:ietf:params:xml:ns:carddav">
  <d:prop><d:getetag/><cr:address-data/></d:prop>
  {hrefs}
</cr:addressbook-multiget>"""


def card(uid: str, first: str = "Louise", last: str = "Michel", email: str = "louise@example.org") -> str:
    return CARD.format(uid=uid, first=first, last=last, email=email)


def client_of(person: Any, live_server: Any) -> caldav.DAVClient:
    _created, secret = app_password_create(scope=Scope(user_id=person.pk), label="Téléphone")
    return caldav.DAVClient(url=f"{live_server.url}/carddav/", username=person.username, password=secret)


def hrefs_and_props(response: Any) -> dict[str, dict[str, Any]]:
    return dict(response.find_objects_and_props())


@committed_db
def test_a_contacts_application_syncs_the_address_book(world: World, live_server: Any) -> None:
    parent = world.a.parent
    known = make_contact(parent, first_name="Jeanne", last_name="Martin", emails=["jeanne@example.org"])
    known.groups.set([make_group(parent, "Délégués")])
    client = client_of(parent, live_server)
    base = f"{live_server.url}/carddav/"

    # Discovery: the principal, then its address-book home, then the address book.
    found = client.propfind(base, PRINCIPAL, depth=0)
    assert found.status == 207
    assert f"/carddav/{parent.username}/" in found.raw
    home = client.propfind(f"{base}{parent.username}/", PROPFIND_BOOK, depth=1)
    assert "addressbook" in home.raw and "My contacts" in home.raw
    book = f"{base}{parent.username}/contacts/"
    listing = hrefs_and_props(client.propfind(book, PROPFIND_BOOK, depth=1))
    cards = [href for href in listing if href.endswith(".vcf")]
    assert cards == [f"/carddav/{parent.username}/contacts/{known.uid}.vcf"]

    # Read one card: the contact, its groups as CATEGORIES.
    got = client.request(f"{book}{known.uid}.vcf", "GET")
    assert got.status == 200 and "Jeanne" in got.raw and "Délégués" in got.raw
    assert got.headers["ETag"] == f'"{known.pk}-{known.version}"'

    # Create from the phone: a contact with a new group.
    uid = str(uuid.uuid4())
    created = client.put(f"{book}{uid}.vcf", card(uid), {"Content-Type": "text/vcard", "If-None-Match": "*"})
    assert created.status == 201
    contact = Contact.objects.get(owner=parent, uid=uid)
    assert (contact.first_name, contact.last_name, contact.emails) == ("Louise", "Michel", ["louise@example.org"])
    assert [g.name for g in contact.groups.all()] == ["Club théâtre"]

    # Query and multiget, as clients do.
    query = client.report(book, QUERY.format(text="louise"), depth=1)
    assert query.status == 207 and uid in query.raw and known.uid not in query.raw
    hrefs = "".join(f"<d:href>/carddav/{parent.username}/contacts/{u}.vcf</d:href>" for u in (uid, "gone"))
    multi = client.report(book, MULTIGET.format(hrefs=hrefs), depth=1)
    assert "Louise" in multi.raw and "404" in multi.raw

    # Change it with the ETag the phone has, then delete it.
    etag = client.request(f"{book}{uid}.vcf", "GET").headers["ETag"]
    changed = client.put(
        f"{book}{uid}.vcf", card(uid, first="Louisa"), {"Content-Type": "text/vcard", "If-Match": etag}
    )
    assert changed.status == 204
    assert Contact.objects.get(uid=uid).first_name == "Louisa"
    assert client.delete(f"{book}{uid}.vcf").status == 204
    assert not Contact.objects.filter(uid=uid).exists()


@committed_db
def test_a_stale_card_and_another_persons_address_book_are_refused(world: World, live_server: Any) -> None:
    parent = world.a.parent
    contact = make_contact(parent, first_name="Jeanne", last_name="Martin")
    client = client_of(parent, live_server)
    url = f"{live_server.url}/carddav/{parent.username}/contacts/{contact.uid}.vcf"
    etag = client.request(url, "GET").headers["ETag"]

    # Someone edits the contact on the page meanwhile: the phone's change, with the old ETag, is refused.
    Contact.objects.filter(pk=contact.pk).update(version=contact.version + 1, first_name="Jeanne-Marie")
    stale = client.put(url, card(contact.uid, first="Jeannot"), {"Content-Type": "text/vcard", "If-Match": etag})
    assert stale.status == 412
    assert Contact.objects.get(pk=contact.pk).first_name == "Jeanne-Marie"
    exists = client.put(url, card(contact.uid), {"Content-Type": "text/vcard", "If-None-Match": "*"})
    assert exists.status == 412

    # Another person's address book and cards: not found, nothing changed.
    theirs = make_contact(world.a.teacher, first_name="Privé")
    other = f"{live_server.url}/carddav/{world.a.teacher.username}/contacts/"
    assert client.propfind(other, PROPFIND_BOOK, depth=1).status == 404
    assert client.request(f"{other}{theirs.uid}.vcf", "GET").status == 404
    assert client.delete(f"{other}{theirs.uid}.vcf").status == 404
    assert Contact.objects.filter(pk=theirs.pk).exists()


def _basic(person: Any) -> dict[str, str]:
    _created, secret = app_password_create(scope=Scope(user_id=person.pk), label="Téléphone")
    token = base64.b64encode(f"{person.username}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def test_bad_requests_are_clear_answers_never_errors(world: World) -> None:
    parent = world.a.parent
    headers = _basic(parent)
    client = Client()
    book = f"/carddav/{parent.username}/contacts/"
    assert (
        client.generic("PROPFIND", "/carddav/", "<d:propfind", content_type="application/xml", **headers).status_code
        == 400
    )
    hostile = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    assert client.generic("REPORT", book, hostile, content_type="application/xml", **headers).status_code == 400
    not_a_card = client.generic("PUT", f"{book}x.vcf", "BEGIN:VCARD\nnot a card", content_type="text/vcard", **headers)
    assert not_a_card.status_code == 400
    mismatch = client.generic("PUT", f"{book}x.vcf", card("y"), content_type="text/vcard", **headers)
    assert mismatch.status_code == 400
    empty = "BEGIN:VCARD\nVERSION:3.0\nUID:z\nEND:VCARD\n"
    assert client.generic("PUT", f"{book}z.vcf", empty, content_type="text/vcard", **headers).status_code == 400
    assert client.generic("PROPFIND", book, "", HTTP_DEPTH="infinity", **headers).status_code == 403
    assert not Contact.objects.filter(owner=parent).exists()
    assert client.get("/.well-known/carddav")["Location"] == "/carddav/"
    assert client.generic("PROPFIND", book).status_code == 401
