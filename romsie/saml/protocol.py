"""The SAML 2.0 protocol through pysaml2: our service provider's configuration, requests, responses.

Everything that touches XML is here. A response is checked in this order, and refused at the
first failure with an :class:`~romsie.core.errors.ApplicationError` whose ``extra["reason"]``
names the check (logged by the view):

1. base64 and XML that defusedxml accepts: no DTD, no entity (XXE), well formed;
2. the issuer is a registered, enabled identity provider, and the one the request went to;
3. pysaml2, configured with that provider's metadata only: the signature of the response
   (when signed) and of the assertion (always required), with the provider's certificates;
   the audience, the destination and the recipient (our assertion consumer service), the
   validity times, ``InResponseTo`` one of our outstanding requests (unless the provider is
   allowed to start sign-ins itself);
4. exactly one assertion in the response, the one pysaml2 verified (signature wrapping).

The replay of an assertion (its id seen before) is refused by the service, which keeps the
ids it accepted until they expire.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.attribute_converter import ac_factory
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.mdstore import InMemoryMetaData
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_UNSPECIFIED
from saml2.sigver import get_xmlsec_binary
from saml2.time_util import str_to_time
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from romsie.core.errors import ApplicationError

from .models import IdentityProvider

logger = logging.getLogger(__name__)

NS_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"
NS_ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion"
NS_METADATA = "urn:oasis:names:tc:SAML:2.0:metadata"
#: Responses larger than this are refused before parsing (a real one is a few kilobytes).
MAX_RESPONSE_BYTES = 200_000
#: How far apart our clock and the identity provider's may be.
CLOCK_SKEW_SECONDS = 60
#: How long an assertion id is kept when the assertion names no end of validity.
DEFAULT_ASSERTION_LIFETIME = timedelta(hours=1)


def refusal(reason: str, message: str | None = None) -> ApplicationError:
    """The error of a refused response: ``reason`` is for the log, the message for the person."""
    return ApplicationError(
        message or _("The identity provider's answer could not be accepted. Try to sign in again."),
        extra={"reason": reason},
    )


def public_url(path: str) -> str:
    return str(settings.ROMSIE_PUBLIC_URL).rstrip("/") + path


def sp_entity_id() -> str:
    return str(settings.ROMSIE_SAML_ENTITY_ID or public_url("/saml/metadata/"))


def acs_url() -> str:
    return public_url("/saml/acs/")


def is_configured() -> bool:
    """True when the service provider's key and certificate are set (settings or environment)."""
    return bool(settings.ROMSIE_SAML_KEY_FILE and settings.ROMSIE_SAML_CERT_FILE)


def _config(provider: IdentityProvider | None) -> SPConfig:
    key, cert = settings.ROMSIE_SAML_KEY_FILE, settings.ROMSIE_SAML_CERT_FILE
    conf: dict[str, Any] = {
        "entityid": sp_entity_id(),
        "xmlsec_binary": get_xmlsec_binary(["/usr/bin", "/usr/local/bin"]),
        "key_file": key,
        "cert_file": cert,
        # EduConnect encrypts its assertions with the certificate of our metadata.
        "encryption_keypairs": [{"key_file": key, "cert_file": cert}],
        "accepted_time_diff": CLOCK_SKEW_SECONDS,
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": "ROMSIE",
                "endpoints": {"assertion_consumer_service": [(acs_url(), BINDING_HTTP_POST)]},
                "authn_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "want_assertions_or_response_signed": True,
                "allow_unsolicited": bool(provider and provider.allow_unsolicited),
                "name_id_format": [NAMEID_FORMAT_UNSPECIFIED],
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
            }
        },
    }
    if provider is not None:
        conf["metadata"] = {"inline": [provider.metadata_xml]}
    config = SPConfig()
    config.load(conf)
    return config


def sp_metadata() -> str:
    """Our metadata (entity ID, assertion consumer service, certificate), signed with our key."""
    config = _config(None)
    xml = create_metadata_string(
        None,
        config=config,
        valid=24 * 14,
        cert=config.cert_file,
        keyfile=config.key_file,
        sign=True,
        sign_alg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
    )
    return xml.decode() if isinstance(xml, bytes) else str(xml)


@dataclass(frozen=True)
class IdpMetadata:
    """What the metadata of an identity provider says that we use."""

    entity_id: str
    sso_url: str


def read_idp_metadata(xml: str) -> IdpMetadata:
    """Check pasted or uploaded metadata: one identity provider with a signing certificate and a redirect endpoint."""
    if len(xml.encode()) > 1_000_000:
        raise refusal("metadata-too-large", _("This metadata is too large."))
    try:
        root = SafeET.fromstring(xml.encode(), forbid_dtd=True)
    except (SafeET.ParseError, DefusedXmlException, ValueError):
        raise refusal("metadata-xml", _("This is not valid XML metadata (or it contains a DTD).")) from None
    if root.tag not in (f"{{{NS_METADATA}}}EntityDescriptor", f"{{{NS_METADATA}}}EntitiesDescriptor"):
        raise refusal("metadata-schema", _("This is not SAML 2.0 metadata."))
    try:
        store = InMemoryMetaData(ac_factory(), metadata=xml, check_validity=False)
        store.load()
    except Exception:  # pysaml2 raises many kinds of errors on bad metadata
        logger.info("SAML metadata refused", exc_info=True)
        raise refusal("metadata-schema", _("This is not SAML 2.0 metadata.")) from None
    providers = [eid for eid, entity in store.items() if "idpsso_descriptor" in entity]
    if len(providers) != 1:
        raise refusal("metadata-count", _("The metadata must describe exactly one identity provider."))
    entity_id = providers[0]
    if not store.certs(entity_id, "idpsso", "signing"):
        raise refusal("metadata-cert", _("The metadata gives no signing certificate."))
    endpoints = store.service(entity_id, "idpsso_descriptor", "single_sign_on_service", BINDING_HTTP_REDIRECT)
    if not endpoints:
        raise refusal("metadata-sso", _("The metadata gives no sign-in address for the HTTP-Redirect binding."))
    return IdpMetadata(entity_id=entity_id, sso_url=endpoints[0]["location"])


def authn_request(provider: IdentityProvider) -> tuple[str, str]:
    """Return the id of a new signed AuthnRequest to ``provider`` and the address to send the browser to."""
    client = Saml2Client(config=_config(provider))
    request_id, info = client.prepare_for_authenticate(
        entityid=provider.entity_id, binding=BINDING_HTTP_REDIRECT, sign=True, sigalg=SIG_RSA_SHA256
    )
    location = dict(info["headers"])["Location"]
    return str(request_id), str(location)


def response_issuer(encoded: str) -> str:
    """Decode a posted ``SAMLResponse`` and return its issuer, refusing what is not safe SAML XML."""
    if not encoded or len(encoded) > MAX_RESPONSE_BYTES:
        raise refusal("size")
    try:
        xml = base64.b64decode(encoded, validate=False)
    except (binascii.Error, ValueError):
        raise refusal("base64") from None
    try:
        root = SafeET.fromstring(xml, forbid_dtd=True)
    except DefusedXmlException:
        raise refusal("xml-dtd") from None  # DTDs, entities, external references (XXE)
    except (SafeET.ParseError, ValueError):
        raise refusal("xml-malformed") from None
    if root.tag != f"{{{NS_PROTOCOL}}}Response":
        raise refusal("not-a-response")
    assertions = root.findall(f"{{{NS_ASSERTION}}}Assertion") + root.findall(f"{{{NS_ASSERTION}}}EncryptedAssertion")
    nested = root.findall(f".//{{{NS_ASSERTION}}}Assertion")
    if len(assertions) != 1 or len(nested) > 1:
        # Exactly one assertion, right under the response: an assertion added beside or
        # inside the signed one is a signature wrapping attempt.
        raise refusal("assertion-count")
    issuer = root.find(f"{{{NS_ASSERTION}}}Issuer")
    if issuer is None:
        issuer = assertions[0].find(f"{{{NS_ASSERTION}}}Issuer")
    if issuer is None or not (issuer.text or "").strip():
        raise refusal("no-issuer")
    return (issuer.text or "").strip()


@dataclass(frozen=True)
class VerifiedAssertion:
    """What a verified response tells: who the provider vouches for, and how long it holds."""

    assertion_id: str
    in_response_to: str
    name_id: str
    attributes: dict[str, list[str]]
    expires_at: datetime

    def value(self, attribute: str) -> str:
        """The first value of ``attribute`` (the NameID when ``attribute`` is empty), or ""."""
        if not attribute:
            return self.name_id
        values = self.attributes.get(attribute) or []
        return str(values[0]).strip() if values else ""


def verify_response(provider: IdentityProvider, encoded: str, outstanding: dict[str, str]) -> VerifiedAssertion:
    """Verify a posted response of ``provider`` (see the module's docstring); ``outstanding``: our request ids."""
    client = Saml2Client(config=_config(provider))
    try:
        response = client.parse_authn_request_response(
            encoded, BINDING_HTTP_POST, outstanding=outstanding, conv_info={"entity_id": sp_entity_id()}
        )
    except Exception as error:  # pysaml2 signals each failed check with its own exception class
        logger.info("SAML response refused by pysaml2: %r", error)
        raise refusal(f"verify:{type(error).__name__}") from None
    if response is None or response.assertion is None:
        raise refusal("verify:no-assertion")
    assertion = response.assertion
    issuer = (response.issuer() or "").strip()
    if issuer != provider.entity_id:
        raise refusal("issuer-mismatch")
    if not (response.response.signature or assertion.signature):
        raise refusal("unsigned")
    confirmations = [c.subject_confirmation_data for c in assertion.subject.subject_confirmation]
    if not confirmations or any(data is None or data.recipient != acs_url() for data in confirmations):
        raise refusal("recipient")  # pysaml2 also takes our entity ID as recipient: we want our ACS
    attributes: dict[str, list[str]] = {}
    for statement in assertion.attribute_statement:
        for attribute in statement.attribute:
            values = [str(v.text or "").strip() for v in attribute.attribute_value]
            attributes[str(attribute.name)] = values
            if attribute.friendly_name:
                attributes.setdefault(str(attribute.friendly_name), values)
    name_id = response.name_id.text.strip() if response.name_id is not None and response.name_id.text else ""
    ends = [
        str_to_time(c.subject_confirmation_data.not_on_or_after)
        for c in assertion.subject.subject_confirmation
        if c.subject_confirmation_data is not None and c.subject_confirmation_data.not_on_or_after
    ]
    if assertion.conditions is not None and assertion.conditions.not_on_or_after:
        ends.append(str_to_time(assertion.conditions.not_on_or_after))
    if ends:
        expires_at = datetime(*min(ends)[:6], tzinfo=UTC) + timedelta(seconds=CLOCK_SKEW_SECONDS)
    else:
        expires_at = timezone.now() + DEFAULT_ASSERTION_LIFETIME
    return VerifiedAssertion(
        assertion_id=str(assertion.id),
        in_response_to=str(response.in_response_to or ""),
        name_id=name_id,
        attributes=attributes,
        expires_at=expires_at,
    )
