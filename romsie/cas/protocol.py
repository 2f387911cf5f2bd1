"""The CAS protocol's rules, with no database: addresses, patterns, attributes and XML answers.

* A ``service`` address is accepted only when it is an absolute ``http``/``https`` address with a
  host, no user part, no backslash, no space or control character (``//evil``, ``javascript:``
  and ``https://good@evil`` are refused before any pattern is tried).
* A registered pattern is a prefix ending the host with ``/`` (``https://cdi.example.test/``), or
  an anchored regular expression whose scheme and host are written literally
  (``^https://cdi\\.example\\.test/.*``): neither can match another host, so
  ``https://good.example.evil.com`` never matches ``https://good.example/``.
* The XML answers follow the CAS 3.0 specification (namespace ``http://www.yale.edu/tp/cas``).
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from xml.etree import ElementTree as ET

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CAS_NS = "http://www.yale.edu/tp/cas"
ET.register_namespace("cas", CAS_NS)

SERVICE_TICKET_PREFIX = "ST-"
MAX_SERVICE_URL = 2000
MAX_PATTERN = 300

# The attributes a territory may release to a service, by their name in the CAS answer.
ATTRIBUTES: dict[str, object] = {
    "ENTPersonJointure": _("AAF join key (ENTPersonJointure)"),
    "uid": _("Username"),
    "sn": _("Last name"),
    "givenName": _("First name"),
    "displayName": _("Full name"),
    "mail": _("E-mail address"),
    "ENTStructureUAI": _("UAI of the current establishment"),
    "ENTPersonProfils": _("Profiles in the current establishment"),
    "ENTPersonClasses": pgettext_lazy("cas attribute", "Class names"),
}


class Failure:
    """The error codes of the CAS specification."""

    INVALID_REQUEST = "INVALID_REQUEST"
    INVALID_TICKET_SPEC = "INVALID_TICKET_SPEC"
    INVALID_TICKET = "INVALID_TICKET"
    INVALID_SERVICE = "INVALID_SERVICE"
    INTERNAL_ERROR = "INTERNAL_ERROR"


_FORBIDDEN = re.compile(r"[\s\\\x00-\x1f\x7f]")
# A regex pattern starts with its scheme and host written literally (dots escaped), then "/".
_LITERAL_HOST = re.compile(r"\^https?://(?:[A-Za-z0-9-]|\\\.)+(?::[0-9]{1,5})?/")


def clean_service_url(value: str) -> str | None:
    """Return the service address if it is an acceptable absolute web address, else ``None``."""
    if not value or len(value) > MAX_SERVICE_URL or _FORBIDDEN.search(value):
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises on a malformed port)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    return value


def check_pattern(match: str, pattern: str) -> str | None:
    """Return why a pattern is refused (a message for the territory admin), or ``None``."""
    if not pattern or len(pattern) > MAX_PATTERN:
        return str(_("Write a pattern of at most %(max)d characters.") % {"max": MAX_PATTERN})
    if match == "prefix":
        parts = urlsplit(pattern) if clean_service_url(pattern) else None
        if parts is None or not parts.path.startswith("/") or parts.query or parts.fragment:
            return str(_("A prefix is a web address ending its host with a slash, like https://cdi.example.test/."))
        return None
    if not _LITERAL_HOST.match(pattern):
        return str(
            _(
                "A regular expression starts with ^, then its scheme and host written literally with "
                "dots escaped and a slash, like ^https://cdi\\.example\\.test/.*"
            )
        )
    try:
        re.compile(pattern)
    except re.error:
        return str(_("This regular expression is not valid."))
    return None


def matches(match: str, pattern: str, service_url: str) -> bool:
    """Whether a clean service address belongs to a registered pattern."""
    if match == "prefix":
        return service_url.startswith(pattern)
    try:
        return re.fullmatch(pattern, service_url) is not None
    except re.error:
        return False


def new_ticket(prefix: str = SERVICE_TICKET_PREFIX) -> str:
    """A fresh ticket: the prefix and 256 random bits."""
    return prefix + secrets.token_urlsafe(32)


def with_ticket(service_url: str, ticket: str) -> str:
    """The service address with ``ticket=`` added to its query (before any fragment)."""
    parts = urlsplit(service_url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), ("ticket", ticket)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def _tag(name: str) -> str:
    return f"{{{CAS_NS}}}{name}"


def _document(root: ET.Element) -> bytes:
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return document


def success_xml(user: str, attributes: Mapping[str, Iterable[str]] | None) -> bytes:
    """``<cas:authenticationSuccess>`` with the user and, when given, ``<cas:attributes>``."""
    root = ET.Element(_tag("serviceResponse"))
    success = ET.SubElement(root, _tag("authenticationSuccess"))
    ET.SubElement(success, _tag("user")).text = user
    if attributes is not None:
        block = ET.SubElement(success, _tag("attributes"))
        for name, values in attributes.items():
            for value in values:
                ET.SubElement(block, _tag(name)).text = value
    return _document(root)


def failure_xml(code: str, message: str) -> bytes:
    """``<cas:authenticationFailure code="...">`` with a message for the service's developers."""
    root = ET.Element(_tag("serviceResponse"))
    ET.SubElement(root, _tag("authenticationFailure"), {"code": code}).text = message
    return _document(root)


def logout_request_xml(ticket: str, now: datetime) -> str:
    """The SAML ``LogoutRequest`` a single-logout service receives (``logoutRequest`` field)."""
    return (
        '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
        f'ID="_{uuid.uuid4().hex}" Version="2.0" IssueInstant="{now:%Y-%m-%dT%H:%M:%SZ}">'
        "<saml:NameID>@NOT_USED@</saml:NameID>"
        f"<samlp:SessionIndex>{ticket}</samlp:SessionIndex>"
        "</samlp:LogoutRequest>"
    )
