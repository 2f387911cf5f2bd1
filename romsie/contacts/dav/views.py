"""CardDAV: the personal address book in a phone's or a computer's contacts application.

Hand-written and small, over the protocol-generic :mod:`romsie.core.dav`, like the agenda's
CalDAV. Each request authenticates itself (HTTP Basic with an app password or the ENT password:
:func:`romsie.documents.dav.auth.authenticated`), then computes the person's scope as a page
would. The URL space:

* ``/.well-known/carddav`` redirects to ``/carddav/``;
* ``/carddav/`` answers ``current-user-principal``;
* ``/carddav/<username>/`` is both the principal and the address-book home (another person's: 404);
* ``/carddav/<username>/contacts/`` — the personal address book, read-write;
* ``<address book>/<uid>.vcf`` — one contact as a vCard 3.0, with an ETag made of its id and
  version: ``If-Match`` and ``If-None-Match`` are honoured (412), and a write claims the version
  as the forms do (``services.card_save``), so an edit made on the page is never lost.

Groups travel as the cards' ``CATEGORIES``. Every contact goes through the address book's gate
(``access.visible_contacts``) and services: what an application sees and changes is exactly what
the pages show and allow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

from django.db.models import Count, Max, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from romsie.core import dav
from romsie.core.access.declarations import public
from romsie.core.access.scope import Scope
from romsie.core.concurrency import StaleEdit
from romsie.core.dav import CALSERVER, CARDDAV, DAV, DavError, qname
from romsie.core.errors import ApplicationError
from romsie.core.text import fold
from romsie.documents.dav import auth
from romsie.identity.models import User
from romsie.identity.scope import build_scope

from .. import access, services
from ..models import Contact, ContactGroup
from ..vcard import from_vcard, to_vcard

ROOT = "carddav"
BOOK = "contacts"
ALLOW = ["OPTIONS", "GET", "HEAD", "PUT", "DELETE", "PROPFIND", "REPORT"]
COMPLIANCE = ["1", "3", "addressbook"]
VCARD_TYPE = "text/vcard; charset=utf-8"
MAX_CARD_BYTES = 256 * 1024


@public
def well_known(request: HttpRequest) -> HttpResponse:
    """``/.well-known/carddav``: where the CardDAV service is (RFC 6764)."""
    return HttpResponseRedirect("/carddav/")


@public
@csrf_exempt
def endpoint(request: HttpRequest, path: str | None = None) -> HttpResponse:
    """Every CardDAV request under ``/carddav/``: authenticate, compute the scope, answer."""
    user = auth.authenticated(request)
    if isinstance(user, HttpResponse):
        return user
    scope = build_scope(request)
    if not access.may_use(scope):
        return HttpResponse(_("The address book is not open to you."), status=403, content_type="text/plain")
    return Endpoint(request, scope, user).respond(path)


def _etag(contact: Contact) -> str:
    return dav.versioned_etag(contact.pk, contact.version)


def _card(contact: Contact) -> str:
    return to_vcard(contact, categories=[g.name for g in contact.groups.all()])


class Endpoint(dav.PersonalEndpoint):
    """One CardDAV request of one person."""

    root = ROOT
    home_set = qname(CARDDAV, "addressbook-home-set")
    allow = ALLOW
    compliance = COMPLIANCE

    def __init__(self, request: HttpRequest, scope: Scope, user: User) -> None:
        super().__init__(request, user)
        self.scope = scope

    # -- paths -----------------------------------------------------------------------------

    def book_href(self) -> str:
        return self.href(BOOK, collection=True)

    def card_href(self, contact: Contact) -> str:
        return self.href(BOOK, f"{contact.uid}.vcf")

    def answer(self, path: str) -> HttpResponse:
        method = self.request.method or "GET"
        if method == "OPTIONS":
            return dav.options_response(ALLOW, COMPLIANCE)
        parts = self.path_parts(path)
        if parts is None:
            return self.dispatch(method, {"PROPFIND": self.propfind_root})
        if not parts:
            return self.dispatch(method, {"PROPFIND": self.propfind_home})
        if parts[0] != BOOK:
            raise DavError(404, "not found")
        if len(parts) == 1:
            return self.dispatch(method, {"PROPFIND": self.propfind_book, "REPORT": self.report})
        if len(parts) == 2 and parts[1].endswith(".vcf"):
            uid = parts[1].removesuffix(".vcf")
            return self.dispatch(
                method,
                {
                    "GET": lambda: self.get(uid),
                    "HEAD": lambda: self.get(uid),
                    "PUT": lambda: self.put(uid),
                    "DELETE": lambda: self.delete(uid),
                    "PROPFIND": lambda: self.propfind_card(uid),
                },
            )
        raise DavError(404, "not found")

    # -- contacts --------------------------------------------------------------------------

    def contacts(self) -> QuerySet[Contact]:
        groups = Prefetch("groups", queryset=ContactGroup.objects.order_by("name"))
        return access.visible_contacts(self.scope).prefetch_related(groups).order_by("pk")

    def contact(self, uid: str) -> Contact | None:
        return self.contacts().filter(uid=uid).first()

    # -- PROPFIND --------------------------------------------------------------------------

    def home_resource(self) -> dav.Resource:
        return dav.Resource(self.home_href(), self.home_props())

    def book_resource(self) -> dav.Resource:
        summary = access.visible_contacts(self.scope).aggregate(n=Count("pk"), last=Max("updated_at"), top=Max("pk"))
        last = summary["last"].timestamp() if summary["last"] else 0
        tag = f"{summary['n']}-{summary['top'] or 0}-{last:.6f}"
        props = {
            **self.common_props(),
            qname(DAV, "resourcetype"): [
                dav.element(qname(DAV, "collection")),
                dav.element(qname(CARDDAV, "addressbook")),
            ],
            qname(DAV, "displayname"): _("My contacts"),
            qname(CARDDAV, "supported-address-data"): dav.element(
                qname(CARDDAV, "address-data-type"), **{"content-type": "text/vcard", "version": "3.0"}
            ),
            qname(CARDDAV, "max-resource-size"): str(MAX_CARD_BYTES),
            qname(CALSERVER, "getctag"): tag,
            qname(DAV, "getetag"): dav.quoted_etag(tag),
            qname(DAV, "current-user-privilege-set"): dav.privileges(write=True),
        }
        return dav.Resource(self.book_href(), props)

    def card_resource(self, contact: Contact, with_data: bool = False) -> dav.Resource:
        props: dict[str, Any] = {
            qname(DAV, "getetag"): _etag(contact),
            qname(DAV, "getcontenttype"): VCARD_TYPE,
            qname(DAV, "resourcetype"): None,
        }
        if with_data:
            props[qname(CARDDAV, "address-data")] = _card(contact)
        return dav.Resource(self.card_href(contact), props)

    def propfind_home(self) -> HttpResponse:
        wanted = dav.propfind_request(dav.parse_body(self.request))
        responses = [dav.response_element(self.home_resource(), wanted)]
        if self.finite_depth() == "1":
            responses.append(dav.response_element(self.book_resource(), wanted))
        return dav.multistatus(responses)

    def propfind_book(self) -> HttpResponse:
        wanted = dav.propfind_request(dav.parse_body(self.request))
        responses = [dav.response_element(self.book_resource(), wanted)]
        if self.finite_depth() == "1":
            responses += [dav.response_element(self.card_resource(c), wanted) for c in self.contacts()]
        return dav.multistatus(responses)

    def propfind_card(self, uid: str) -> HttpResponse:
        wanted = dav.propfind_request(dav.parse_body(self.request))
        contact = self.contact(uid)
        if contact is None:
            raise DavError(404, "not found")
        return dav.multistatus([dav.response_element(self.card_resource(contact), wanted)])

    # -- REPORT ----------------------------------------------------------------------------

    def report(self) -> HttpResponse:
        root = dav.parse_body(self.request)
        if root is None:
            raise DavError(400, "a REPORT needs a body")
        wanted = dav.requested_props(root)
        if root.tag == qname(CARDDAV, "addressbook-multiget"):
            by_uid: dict[str, str] = {}
            for sent in dav.report_hrefs(root):
                leaf = unquote(urlsplit(sent).path.rstrip("/").rsplit("/", 1)[-1])
                by_uid[leaf.removesuffix(".vcf")] = sent
            found = {c.uid: c for c in self.contacts().filter(uid__in=list(by_uid))}
            return dav.multistatus(
                [
                    dav.response_element(self.card_resource(found[uid], with_data=True), wanted)
                    if uid in found
                    else dav.missing_response(sent)
                    for uid, sent in by_uid.items()
                ]
            )
        if root.tag == qname(CARDDAV, "addressbook-query"):
            matches = _query_filter(root)
            return dav.multistatus(
                [
                    dav.response_element(self.card_resource(c, with_data=True), wanted)
                    for c in self.contacts()
                    if matches(c)
                ]
            )
        raise DavError(403, "this REPORT is not supported")

    # -- GET, PUT, DELETE ------------------------------------------------------------------

    def get(self, uid: str) -> HttpResponse:
        contact = self.contact(uid)
        if contact is None:
            raise DavError(404, "not found")
        response = HttpResponse(_card(contact), content_type=VCARD_TYPE)
        response["ETag"] = _etag(contact)
        return response

    def put(self, uid: str) -> HttpResponse:
        if not uid or len(uid) > 255:
            raise DavError(400, "bad card name")
        contact = self.contact(uid)
        dav.check_preconditions(self.request, _etag(contact) if contact else None)
        if len(self.request.body) > MAX_CARD_BYTES:
            raise DavError(413, "request body too large")
        try:
            card = from_vcard(self.request.body.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as error:
            raise DavError(400, "not a vCard that can be read") from error
        if card.uid and card.uid != uid:
            raise DavError(400, "the card's UID does not match its name")
        shown = dav.version_of(self.request.META.get("HTTP_IF_MATCH"))
        try:
            contact, created = services.card_save(scope=self.scope, uid=uid, card=card, version=shown)
        except ApplicationError as error:
            raise DavError(412 if isinstance(error, StaleEdit) else 403, error.message) from error
        response = HttpResponse(status=201 if created else 204)
        response["ETag"] = _etag(contact)
        return response

    def delete(self, uid: str) -> HttpResponse:
        contact = self.contact(uid)
        if contact is None:
            raise DavError(404, "not found")
        dav.check_preconditions(self.request, _etag(contact))
        services.contact_delete(scope=self.scope, contact=contact)
        return HttpResponse(status=204)


# -- addressbook-query filters (RFC 6352 §10.5): text matches on a few properties ------------

_PROPERTIES: dict[str, Callable[[Contact], list[str]]] = {
    "FN": lambda c: [c.display_name],
    "N": lambda c: [f"{c.last_name};{c.first_name}", c.last_name, c.first_name],
    "EMAIL": lambda c: list(c.emails),
    "TEL": lambda c: list(c.phones),
    "ORG": lambda c: [c.organisation],
    "UID": lambda c: [c.uid],
    "NOTE": lambda c: [c.notes],
}


def _text_match(values: list[str], match: Element) -> bool:
    wanted = fold(match.text or "")
    kind = match.get("match-type", "contains")
    tests: dict[str, Callable[[str], bool]] = {
        "equals": lambda v: v == wanted,
        "starts-with": lambda v: v.startswith(wanted),
        "ends-with": lambda v: v.endswith(wanted),
        "contains": lambda v: wanted in v,
    }
    test = tests.get(kind)
    if test is None:
        raise DavError(400, "unknown match-type")
    found = any(test(fold(v)) for v in values if v)
    return not found if match.get("negate-condition") == "yes" else found


def _query_filter(root: Element) -> Callable[[Contact], bool]:
    """The test an ``addressbook-query``'s filter makes of a contact (no filter: every contact)."""
    filter_element = root.find(qname(CARDDAV, "filter"))
    if filter_element is None:
        return lambda _contact: True
    every = filter_element.get("test", "anyof") == "allof"
    props = filter_element.findall(qname(CARDDAV, "prop-filter"))
    if not props:
        return lambda _contact: True

    def one(contact: Contact, prop: Element) -> bool:
        read = _PROPERTIES.get(prop.get("name", "").upper())
        values = read(contact) if read is not None else []
        if prop.find(qname(CARDDAV, "is-not-defined")) is not None:
            return not any(values)
        matches = prop.findall(qname(CARDDAV, "text-match"))
        if not matches:
            return any(values)
        results = [_text_match(values, m) for m in matches]
        return all(results) if prop.get("test", "anyof") == "allof" else any(results)

    def test(contact: Contact) -> bool:
        results = (one(contact, prop) for prop in props)
        return all(results) if every else any(results)

    return test
