"""Territory admins register identity providers: metadata pasted or uploaded, checked, mapping per provider."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from romsie.core.models import AuditEvent
from romsie.core.testing.editing import race_on_form
from romsie.core.testing.world import World
from romsie.saml import demo
from romsie.saml.models import IdentityProvider

from .conftest import register
from .idp import LocalIdP

pytestmark = pytest.mark.django_db


def _data(world: World, **fields: Any) -> dict[str, Any]:
    data = {
        "territory": world.north.pk,
        "name": "ÉduConnect",
        "slug": "educonnect",
        "kind": "family",
        "metadata_xml": "",
        "identifier_attribute": "FrEduCtId",
        "identifier_field": "external_id",
        "ine_attribute": "FrEduCtEleveINE",
        "is_enabled": "on",
    }
    data.update(fields)
    return data


def test_a_territory_admin_registers_a_provider_by_pasting_its_metadata(
    world: World, local_idp: LocalIdP, client_for
) -> None:
    client = client_for(world.territory_admin)
    response = client.post(reverse("saml:provider-create"), _data(world, metadata_xml=local_idp.metadata()))
    assert response.status_code == 302
    provider = IdentityProvider.objects.get()
    assert provider.entity_id == local_idp.entity_id
    assert provider.territory == world.north
    assert AuditEvent.objects.filter(action="saml.provider_saved").count() == 1
    page = client.get(reverse("saml:provider-list")).content.decode()
    assert "ÉduConnect" in page and local_idp.entity_id in page


def test_the_metadata_may_be_uploaded(world: World, local_idp: LocalIdP, client_for) -> None:
    upload = SimpleUploadedFile("idp.xml", local_idp.metadata().encode(), content_type="application/xml")
    data = _data(world, metadata_file=upload)
    response = client_for(world.territory_admin).post(reverse("saml:provider-create"), data)
    assert response.status_code == 302
    assert IdentityProvider.objects.get().entity_id == local_idp.entity_id


XXE = """<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="&x;"/>"""
SP_ONLY = """<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sp.invalid/">
<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
 Location="https://sp.invalid/acs" index="0"/>
</md:SPSSODescriptor></md:EntityDescriptor>"""


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ("", "Paste the metadata or upload its file."),
        ("<not xml", "This is not valid XML metadata"),
        (XXE, "This is not valid XML metadata"),
        ("<html><body>hello</body></html>", "This is not SAML 2.0 metadata."),
        (SP_ONLY, "exactly one identity provider"),
        (demo.PLACEHOLDER_METADATA, "no signing certificate"),
    ],
    ids=["empty", "malformed", "xxe", "not-saml", "no-idp", "no-certificate"],
)
def test_bad_metadata_is_refused_and_nothing_is_created(world: World, client_for, metadata: str, message: str) -> None:
    response = client_for(world.territory_admin).post(
        reverse("saml:provider-create"), _data(world, metadata_xml=metadata)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not IdentityProvider.objects.exists()


def test_another_territory_cannot_be_chosen(world: World, local_idp: LocalIdP, client_for) -> None:
    data = _data(world, territory=world.south.pk, metadata_xml=local_idp.metadata())
    response = client_for(world.territory_admin).post(reverse("saml:provider-create"), data)
    assert response.status_code == 200
    assert not IdentityProvider.objects.exists()


def test_the_same_provider_twice_in_a_territory_is_refused(world: World, local_idp: LocalIdP, client_for) -> None:
    register(local_idp, world.north)
    data = _data(world, slug="educonnect-bis", metadata_xml=local_idp.metadata())
    response = client_for(world.territory_admin).post(reverse("saml:provider-create"), data)
    assert "already registered for this territory" in response.content.decode()
    assert IdentityProvider.objects.count() == 1


def test_a_provider_is_edited_and_removed(
    world: World, provider: IdentityProvider, local_idp: LocalIdP, client_for
) -> None:
    client = client_for(world.territory_admin)
    url = reverse("saml:provider-update", args=[provider.pk])
    assert client.get(url).status_code == 200
    data = _data(world, metadata_xml=local_idp.metadata(), identifier_attribute="", version=provider.version)
    data.pop("is_enabled")
    assert client.post(url, data).status_code == 302
    provider.refresh_from_db()
    assert (provider.identifier_attribute, provider.is_enabled) == ("", False)
    assert client.post(reverse("saml:provider-delete", args=[provider.pk])).status_code == 302
    assert not IdentityProvider.objects.exists()


def test_the_territory_home_links_the_providers(world: World, client_for) -> None:
    page = client_for(world.territory_admin).get(reverse("administration:territory-home")).content.decode()
    assert reverse("saml:provider-list") in page


def test_the_demo_registers_a_placeholder_educonnect_once(world: World, client) -> None:
    ids = [world.a.establishment.pk, world.b.establishment.pk]
    assert demo.populate(ids) == 1
    assert demo.populate(ids) == 0
    assert "Sign in with ÉduConnect" in client.get(reverse("identity:sign-in")).content.decode()
    response = client.get(reverse("saml:login", args=["educonnect"]))
    assert response["Location"].startswith("https://educonnect.demo.invalid/sso?SAMLRequest=")


def test_two_admins_editing_at_once_do_not_overwrite_each_other(
    world: World, provider: IdentityProvider, local_idp: LocalIdP, client_for
) -> None:
    url = reverse("saml:provider-update", args=[provider.pk])
    first = _data(world, metadata_xml=local_idp.metadata(), name="ÉduConnect (familles)")
    second = _data(world, metadata_xml=local_idp.metadata(), name="EduConnect")
    race_on_form(
        url,
        first=client_for(world.territory_admin),
        second=client_for(world.territory_admin),
        first_data=first,
        second_data=second,
    )
    provider.refresh_from_db()
    assert provider.name == "ÉduConnect (familles)"
