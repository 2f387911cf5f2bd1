"""Demo content of the saml app: an EduConnect-like identity provider for the demo territories.

Its metadata is a PLACEHOLDER (an ``.invalid`` address and no certificate): the "Sign in with
ÉduConnect" button shows on the sign-in page and leads to that address, and no answer can ever
be accepted from it. A real deployment replaces the metadata with EduConnect's (docs/saml.md).
"""

from __future__ import annotations

from collections.abc import Iterable

from romsie.establishments.models import Establishment

from .models import IdentityProvider
from .services import DEFAULT_MAPPING

PLACEHOLDER_ENTITY_ID = "https://educonnect.demo.invalid/idp"
PLACEHOLDER_METADATA = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- PLACEHOLDER of the demo: replace with the metadata published by EduConnect (docs/saml.md). -->
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{PLACEHOLDER_ENTITY_ID}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
                            Location="https://educonnect.demo.invalid/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"""


def populate(establishment_ids: Iterable[int]) -> int:
    """Register the placeholder EduConnect for the territories of these establishments; return the rows written."""
    territories = sorted(
        set(Establishment.objects.filter(pk__in=list(establishment_ids)).values_list("territory_id", flat=True))
    )
    done = set(
        IdentityProvider.objects.filter(territory_id__in=territories, entity_id=PLACEHOLDER_ENTITY_ID).values_list(
            "territory_id", flat=True
        )
    )
    rows = 0
    for territory_id in territories:
        if territory_id in done:
            continue
        slug = (
            "educonnect"
            if not IdentityProvider.objects.filter(slug="educonnect").exists()
            else f"educonnect-{territory_id}"
        )
        IdentityProvider.objects.create(
            territory_id=territory_id,
            slug=slug,
            name="ÉduConnect",
            kind=IdentityProvider.Kind.FAMILY,
            entity_id=PLACEHOLDER_ENTITY_ID,
            metadata_xml=PLACEHOLDER_METADATA,
            **DEFAULT_MAPPING[IdentityProvider.Kind.FAMILY],
        )
        rows += 1
    return rows
