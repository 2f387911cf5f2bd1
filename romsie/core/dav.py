"""The protocol-generic part of the hand-written DAV endpoints (CalDAV, CardDAV).

What any such endpoint needs and that knows nothing of calendars or address books:

* reading a request's XML body **safely** (``defusedxml``: no entity expansion, no external
  entities, no DTD), a malformed or hostile body being a :class:`DavError` 400, never a 500;
* which properties a PROPFIND asks for, and the hrefs and filters of a REPORT;
* building a ``207 Multi-Status`` answer: one ``response`` per resource, with the properties
  found (``200``) and those that are not (``404``) in separate ``propstat``s;
* the ``Depth`` header, and ETag preconditions (``If-Match``, ``If-None-Match``: 412 on conflict);
* the discovery properties every client asks first (``current-user-principal``...) are plain
  properties: the endpoint puts them in its resources' property maps.

Properties are named in Clark notation (``{DAV:}displayname``). A property's value is a string
(its text), an ``Element`` or a list of elements (its children), or ``None`` (empty element).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote
from xml.etree import ElementTree as ET  # building only; parsing goes through defusedxml

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.http import HttpRequest, HttpResponse

DAV = "DAV:"
CALDAV = "urn:ietf:params:xml:ns:caldav"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
CALSERVER = "http://calendarserver.org/ns/"
PREFIXES = {DAV: "D", CALDAV: "C", CARDDAV: "CR", CALSERVER: "CS"}
MAX_BODY_BYTES = 1024 * 1024

for _namespace, _prefix in PREFIXES.items():
    ET.register_namespace(_prefix, _namespace)


def qname(namespace: str, name: str) -> str:
    """A name in Clark notation: ``{DAV:}displayname``."""
    return f"{{{namespace}}}{name}"


class DavError(Exception):
    """A request the endpoint refuses with an HTTP status (400 malformed, 403, 404, 412...)."""

    def __init__(self, status: int, message: str = "") -> None:
        super().__init__(message or str(status))
        self.status = status
        self.message = message


def parse_body(request: HttpRequest) -> ET.Element | None:
    """The request's XML body, parsed safely; None when the body is empty.

    A body that is not well-formed XML, declares entities or a DTD, or is larger than
    :data:`MAX_BODY_BYTES` raises :class:`DavError` (400, or 413 when too large).
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError as error:
        raise DavError(400, "bad Content-Length") from error
    if length > MAX_BODY_BYTES:
        raise DavError(413, "request body too large")
    body = request.body
    if not body.strip():
        return None
    try:
        root: ET.Element = SafeET.fromstring(body, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, ValueError) as error:
        raise DavError(400, "malformed XML body") from error
    return root


@dataclass(frozen=True)
class PropfindRequest:
    """What a PROPFIND asks for: ``names`` (``allprop``: None), or just the names (``propname``)."""

    names: tuple[str, ...] | None
    names_only: bool = False


def propfind_request(root: ET.Element | None) -> PropfindRequest:
    """Read a PROPFIND body; an empty body means ``allprop`` (RFC 4918 §9.1)."""
    if root is None:
        return PropfindRequest(None)
    if root.tag != qname(DAV, "propfind"):
        raise DavError(400, "expected a DAV:propfind body")
    if root.find(qname(DAV, "propname")) is not None:
        return PropfindRequest(None, names_only=True)
    prop = root.find(qname(DAV, "prop"))
    if prop is None:
        return PropfindRequest(None)
    return PropfindRequest(tuple(child.tag for child in prop))


def requested_props(root: ET.Element) -> tuple[str, ...] | None:
    """The properties a REPORT asks for (its ``DAV:prop``), None for all of them."""
    prop = root.find(qname(DAV, "prop"))
    return None if prop is None else tuple(child.tag for child in prop)


def report_hrefs(root: ET.Element) -> list[str]:
    """The ``DAV:href``s of a multiget REPORT, as sent."""
    return [(href.text or "").strip() for href in root.findall(qname(DAV, "href")) if (href.text or "").strip()]


def depth(request: HttpRequest, default: str = "infinity") -> str:
    """The ``Depth`` header: ``"0"``, ``"1"`` or ``"infinity"`` (anything else is a 400)."""
    value = str(request.META.get("HTTP_DEPTH", default)).strip().lower()
    if value not in ("0", "1", "infinity"):
        raise DavError(400, "bad Depth header")
    return value


def href(*segments: str, collection: bool = False) -> str:
    """An absolute path made of quoted segments (``/caldav/anne.martin/personal/``)."""
    path = "/" + "/".join(quote(s, safe="@:+.-_~") for s in segments if s)
    return path + "/" if collection else path


@dataclass
class Resource:
    """One resource of a multistatus: its href and its properties (name -> value)."""

    href: str
    props: Mapping[str, Any] = field(default_factory=dict)


def _set_value(element: ET.Element, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, ET.Element):
        element.append(value)
    elif isinstance(value, (list, tuple)):
        for child in value:
            element.append(child)
    else:
        element.text = str(value)


def element(tag: str, value: Any = None, **attributes: str) -> ET.Element:
    """An element named in Clark notation, with a value as in property maps, and attributes."""
    made = ET.Element(tag, attributes)
    _set_value(made, value)
    return made


def href_element(path: str) -> ET.Element:
    return element(qname(DAV, "href"), path)


def _propstat(names_values: Iterable[tuple[str, Any]], status: str) -> ET.Element:
    propstat = ET.Element(qname(DAV, "propstat"))
    prop = ET.SubElement(propstat, qname(DAV, "prop"))
    for name, value in names_values:
        prop.append(element(name, value))
    ET.SubElement(propstat, qname(DAV, "status")).text = f"HTTP/1.1 {status}"
    return propstat


def response_element(resource: Resource, wanted: PropfindRequest | tuple[str, ...] | None) -> ET.Element:
    """One ``DAV:response``: the properties asked for, found (200) and missing (404)."""
    request = wanted if isinstance(wanted, PropfindRequest) else PropfindRequest(wanted)
    response = ET.Element(qname(DAV, "response"))
    response.append(href_element(resource.href))
    if request.names is None:
        found = [(name, None if request.names_only else value) for name, value in resource.props.items()]
        missing: list[tuple[str, Any]] = []
    else:
        found = [(n, resource.props[n]) for n in request.names if n in resource.props]
        missing = [(n, None) for n in request.names if n not in resource.props]
    if found or not missing:
        response.append(_propstat(found, "200 OK"))
    if missing:
        response.append(_propstat(missing, "404 Not Found"))
    return response


def missing_response(path: str) -> ET.Element:
    """A ``DAV:response`` for an href that names nothing (a multiget of a deleted object)."""
    response = ET.Element(qname(DAV, "response"))
    response.append(href_element(path))
    ET.SubElement(response, qname(DAV, "status")).text = "HTTP/1.1 404 Not Found"
    return response


def multistatus(responses: Sequence[ET.Element]) -> HttpResponse:
    """A ``207 Multi-Status`` answer made of ``responses``."""
    root = ET.Element(qname(DAV, "multistatus"))
    root.extend(responses)
    return xml_response(root, status=207)


def xml_response(root: ET.Element, *, status: int = 200) -> HttpResponse:
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return HttpResponse(body, status=status, content_type="application/xml; charset=utf-8")


def error_response(error: DavError) -> HttpResponse:
    return HttpResponse(error.message, status=error.status, content_type="text/plain; charset=utf-8")


def quoted_etag(value: str) -> str:
    return f'"{value}"'


def versioned_etag(pk: int, version: int) -> str:
    """The ETag of an object edited with a version (``"<pk>-<version>"``): any edit changes it."""
    return quoted_etag(f"{pk}-{version}")


def version_of(etag_header: str | None) -> int | None:
    """The version named by an ``If-Match`` ETag of :func:`versioned_etag` (None if none or not ours)."""
    if not etag_header:
        return None
    tag = etag_header.split(",")[0].strip().removeprefix("W/").strip('"')
    _pk, _dash, version = tag.rpartition("-")
    return int(version) if version.isdigit() and len(version) < 12 else None


def _etags(header: str) -> list[str]:
    return [part.strip().removeprefix("W/") for part in header.split(",") if part.strip()]


def check_preconditions(request: HttpRequest, current: str | None) -> None:
    """Refuse (412) a write whose ``If-Match``/``If-None-Match`` does not hold.

    ``current`` is the resource's quoted ETag, or None when it does not exist yet. ``If-Match: *``
    needs it to exist, ``If-None-Match: *`` needs it not to (a create that must not overwrite).
    """
    if_match = request.META.get("HTTP_IF_MATCH")
    if if_match is not None:
        tags = _etags(if_match)
        if current is None or ("*" not in tags and current not in tags):
            raise DavError(412, "the resource changed (If-Match)")
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None and current is not None:
        tags = _etags(if_none_match)
        if "*" in tags or current in tags:
            raise DavError(412, "the resource exists (If-None-Match)")


def options_response(allow: Sequence[str], compliance: Sequence[str]) -> HttpResponse:
    """The answer to OPTIONS: the methods and the DAV compliance classes."""
    response = HttpResponse(status=200)
    response["Allow"] = ", ".join(allow)
    response["DAV"] = ", ".join(compliance)
    response["Content-Length"] = "0"
    return response


def privileges(*, write: bool) -> list[ET.Element]:
    """A ``current-user-privilege-set``'s children: read, and write when allowed."""
    names = ["read", "read-current-user-privilege-set"] + (
        ["write", "write-content", "bind", "unbind"] if write else []
    )
    return [element(qname(DAV, "privilege"), element(qname(DAV, name))) for name in names]


class PersonalEndpoint:
    """What every endpoint serving one person's collections (``/<root>/<username>/...``) shares.

    A subclass names its ``root`` (the URL prefix), the ``home_set`` property clients discover
    its home by (``calendar-home-set``, ``addressbook-home-set``), ``allow`` and ``compliance``,
    and adds its collections. The root answers ``current-user-principal``; the home is both the
    principal and the collections' home; another person's home is not found (404).
    """

    root = ""
    home_set = ""
    allow: Sequence[str] = ("OPTIONS", "GET", "HEAD", "PUT", "DELETE", "PROPFIND", "REPORT")
    compliance: Sequence[str] = ("1", "3")
    write_methods = ("PUT", "DELETE", "MKCOL", "MKCALENDAR", "PROPPATCH", "MOVE", "COPY", "LOCK")

    def __init__(self, request: HttpRequest, user: Any) -> None:
        self.request, self.user = request, user
        self.username: str = user.get_username()

    def answer(self, path: str) -> HttpResponse:
        """Answer the request for ``path`` (under the endpoint's root); a subclass routes it."""
        raise NotImplementedError

    def respond(self, path: str | None) -> HttpResponse:
        """The whole answer: ``answer``, a :class:`DavError` as its status, the DAV and cache headers."""
        try:
            response = self.answer(path or "/")
        except DavError as error:
            response = error_response(error)
        response["DAV"] = ", ".join(self.compliance)
        response["Cache-Control"] = "private, no-cache"
        return response

    def href(self, *segments: str, collection: bool = False) -> str:
        """A path under the person's home (``/caldav/anne.martin/personal/``)."""
        return href(self.root, self.username, *segments, collection=collection)

    def home_href(self) -> str:
        return self.href(collection=True)

    def path_parts(self, path: str) -> list[str] | None:
        """The segments of ``path`` under the person's home; None for the root; 404 for someone else's."""
        parts = [unquote(p) for p in path.strip("/").split("/") if p]
        if not parts:
            return None
        if parts[0] != self.username:
            raise DavError(404, "not found")
        return parts[1:]

    def dispatch(self, method: str, handlers: Mapping[str, Callable[[], HttpResponse]]) -> HttpResponse:
        """Call the handler of ``method``; a write where there is none is 403 (read-only), else 405."""
        handler = handlers.get(method)
        if handler is None:
            if method in self.write_methods:
                raise DavError(403, "this resource is read-only")
            response = HttpResponse(status=405)
            response["Allow"] = ", ".join(["OPTIONS", *handlers])
            return response
        return handler()

    def finite_depth(self) -> str:
        """The ``Depth`` of a PROPFIND: 0 or 1 (``infinity`` is refused, RFC 4918 §9.1)."""
        value = depth(self.request, default="0")
        if value == "infinity":
            raise DavError(403, "Depth: infinity is not supported")
        return value

    def common_props(self) -> dict[str, Any]:
        """The discovery properties every resource of the endpoint answers."""
        home = self.home_href()
        return {
            qname(DAV, "current-user-principal"): href_element(home),
            qname(DAV, "principal-URL"): href_element(home),
            self.home_set: href_element(home),
            qname(DAV, "owner"): href_element(home),
        }

    def home_props(self) -> dict[str, Any]:
        """The principal's (and home's) properties; a subclass may add its own."""
        return {
            **self.common_props(),
            qname(DAV, "resourcetype"): [element(qname(DAV, "collection")), element(qname(DAV, "principal"))],
            qname(DAV, "displayname"): self.user.get_full_name() or self.username,
            qname(DAV, "current-user-privilege-set"): privileges(write=False),
        }

    def propfind_root(self) -> HttpResponse:
        wanted = propfind_request(parse_body(self.request))
        props = {**self.common_props(), qname(DAV, "resourcetype"): element(qname(DAV, "collection"))}
        return multistatus([response_element(Resource(href(self.root, collection=True), props), wanted)])
