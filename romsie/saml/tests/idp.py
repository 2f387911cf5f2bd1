"""A local SAML identity provider for the tests, built with pysaml2 (the same library plays both sides).

It signs with a key pair made for the test run (see ``romsie.saml.testkeys``). ``response()``
builds a real response to our service provider; its keyword arguments bend one thing at a time
(audience, destination, recipient, times, ``InResponseTo``, signatures) so that each check of
the assertion consumer service can be tested alone with an otherwise valid, signed response.
"""

from __future__ import annotations

import base64
import datetime
from pathlib import Path
from typing import Any

from saml2 import BINDING_HTTP_REDIRECT, class_name
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT
from saml2.samlp import response_from_string
from saml2.server import Server
from saml2.sigver import get_xmlsec_binary, pre_signature_part
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from romsie.saml import protocol
from romsie.saml.testkeys import make_test_key_pair


def _saml_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class LocalIdP:
    """A SAML 2.0 identity provider living in the test process."""

    def __init__(self, directory: Path, entity_id: str = "https://idp.test.invalid/educonnect") -> None:
        name = entity_id.rstrip("/").rsplit("/", 1)[-1]
        self.entity_id = entity_id
        self.key_file, self.cert_file = make_test_key_pair(directory, f"idp-{name}")
        config = IdPConfig()
        config.load(
            {
                "entityid": entity_id,
                "xmlsec_binary": get_xmlsec_binary(["/usr/bin", "/usr/local/bin"]),
                "key_file": self.key_file,
                "cert_file": self.cert_file,
                "metadata": {"inline": [protocol.sp_metadata()]},
                "service": {
                    "idp": {
                        "endpoints": {"single_sign_on_service": [(f"{entity_id}/sso", BINDING_HTTP_REDIRECT)]},
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                        "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_URI}},
                    }
                },
            }
        )
        self.config = config
        self.server = Server(config=config)

    def metadata(self) -> str:
        xml = create_metadata_string(None, config=self.config, sign=False)
        return xml.decode() if isinstance(xml, bytes) else str(xml)

    def response_xml(
        self,
        *,
        in_response_to: str | None,
        attributes: dict[str, list[str]],
        name_id: str = "test-name-id",
        audience: str | None = None,
        destination: str | None = None,
        recipient: str | None = None,
        not_on_or_after: datetime.datetime | None = None,
        sign_assertion: bool = True,
        sign_response: bool = False,
        issuer: str | None = None,
    ) -> str:
        """A response as XML text, signed as asked after every bend was applied."""
        from saml2.saml import NameID

        xml = self.server.create_authn_response(
            identity=attributes,
            in_response_to=in_response_to,
            destination=destination or protocol.acs_url(),
            sp_entity_id=protocol.sp_entity_id(),
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=name_id),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password", "authn_auth": self.entity_id},
            sign_assertion=False,
            sign_response=False,
        )
        response = response_from_string(str(xml))
        assertion = response.assertion[0] if isinstance(response.assertion, list) else response.assertion
        if audience is not None:
            assertion.conditions.audience_restriction[0].audience[0].text = audience
        confirmation = assertion.subject.subject_confirmation[0].subject_confirmation_data
        if recipient is not None:
            confirmation.recipient = recipient
        if not_on_or_after is not None:
            confirmation.not_on_or_after = _saml_time(not_on_or_after)
            assertion.conditions.not_on_or_after = _saml_time(not_on_or_after)
        if issuer is not None:
            response.issuer.text = issuer
            assertion.issuer.text = issuer

        def signature(ident: str, number: int) -> Any:
            return pre_signature_part(
                ident, self.server.sec.my_cert, number, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256
            )

        if sign_assertion:
            assertion.signature = signature(assertion.id, 1)
        if sign_response:
            response.signature = signature(response.id, 2)
        text = str(response)
        if sign_assertion:
            text = self.server.sec.sign_statement(text, class_name(assertion), node_id=assertion.id)
        if sign_response:
            text = self.server.sec.sign_statement(text, class_name(response), node_id=response.id)
        return str(text)

    def response(self, **kwargs: Any) -> str:
        """A response, base64 as the HTTP-POST binding posts it (``SAMLResponse``)."""
        return encode(self.response_xml(**kwargs))


def encode(xml: str) -> str:
    return base64.b64encode(xml.encode()).decode()
