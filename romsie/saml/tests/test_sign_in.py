"""Signing in through a SAML identity provider: the person found by the feed's identifier, or refused."""

from __future__ import annotations

import pytest
from django.urls import reverse
from saml2.sigver import SignatureError, security_context

from romsie.core.testing.world import World
from romsie.identity import services as identity_services
from romsie.identity.models import ConnectionLog
from romsie.saml import protocol
from romsie.saml.models import IdentityProvider, SeenAssertion

from .conftest import register
from .flow import assert_refused, post_response, row_counts, start
from .idp import LocalIdP

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(world: World) -> World:
    world.a.parent.external_id = "FAM-0001"
    world.a.parent.save()
    world.a.student.ine = "123456789AB"
    world.a.student.save()
    return world


def test_a_parent_signs_in_with_the_feeds_identifier(family: World, provider, local_idp: LocalIdP, client) -> None:
    request_id = start(client)
    response = post_response(
        client, local_idp.response(in_response_to=request_id, attributes={"FrEduCtId": ["FAM-0001"]})
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    assert int(client.session["_auth_user_id"]) == family.a.parent.pk
    assert ConnectionLog.objects.filter(user=family.a.parent).count() == 1
    assert SeenAssertion.objects.filter(provider=provider).count() == 1
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_a_student_is_found_by_the_ine_when_the_identifier_matches_nobody(
    family: World, provider, local_idp: LocalIdP, client
) -> None:
    request_id = start(client)
    attributes = {"FrEduCtId": ["UNKNOWN"], "FrEduCtEleveINE": ["123456789ab"]}
    response = post_response(client, local_idp.response(in_response_to=request_id, attributes=attributes))
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == family.a.student.pk


def test_the_nameid_may_be_the_identifier(family: World, local_idp: LocalIdP, client) -> None:
    register(local_idp, family.north, identifier_attribute="", ine_attribute="")
    request_id = start(client)
    response = post_response(client, local_idp.response(in_response_to=request_id, attributes={}, name_id="FAM-0001"))
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == family.a.parent.pk


def test_the_next_page_is_kept_and_an_outside_one_dropped(family: World, provider, local_idp: LocalIdP, client) -> None:
    client.get(reverse("saml:login", args=["educonnect"]), {"next": "/agenda/"})
    from django.core import signing

    from romsie.saml.views import REQUEST_COOKIE, REQUEST_SALT

    state = signing.loads(client.cookies[REQUEST_COOKIE].value, salt=REQUEST_SALT)
    assert state["next"] == "/agenda/"
    response = post_response(
        client, local_idp.response(in_response_to=state["id"], attributes={"FrEduCtId": ["FAM-0001"]})
    )
    assert response["Location"] == "/agenda/"
    other = type(client)()
    other.get(reverse("saml:login", args=["educonnect"]), {"next": "https://evil.example/"})
    assert signing.loads(other.cookies[REQUEST_COOKIE].value, salt=REQUEST_SALT)["next"] == ""


def test_an_unknown_person_is_refused_and_nothing_is_created(
    family: World, provider, local_idp: LocalIdP, client
) -> None:
    request_id = start(client)
    before = row_counts()
    response = post_response(
        client, local_idp.response(in_response_to=request_id, attributes={"FrEduCtId": ["NOBODY"]})
    )
    assert_refused(client, response, before)
    assert "no account of this school workspace matches it" in response.content.decode()


def test_a_person_of_another_territory_is_unknown(family: World, provider, local_idp: LocalIdP, client) -> None:
    family.c.parent.external_id = "FAM-SOUTH"
    family.c.parent.save()
    request_id = start(client)
    before = row_counts()
    response = post_response(
        client, local_idp.response(in_response_to=request_id, attributes={"FrEduCtId": ["FAM-SOUTH"]})
    )
    assert_refused(client, response, before)


def test_a_staff_provider_does_not_sign_in_a_parent(family: World, local_idp: LocalIdP, client) -> None:
    register(local_idp, family.north, kind=IdentityProvider.Kind.STAFF)
    request_id = start(client)
    before = row_counts()
    response = post_response(
        client, local_idp.response(in_response_to=request_id, attributes={"FrEduCtId": ["FAM-0001"]})
    )
    assert_refused(client, response, before)


def test_a_deactivated_account_is_refused(family: World, provider, local_idp: LocalIdP, client) -> None:
    type(family.a.parent).objects.filter(pk=family.a.parent.pk).update(is_active=False)
    request_id = start(client)
    before = row_counts()
    response = post_response(
        client, local_idp.response(in_response_to=request_id, attributes={"FrEduCtId": ["FAM-0001"]})
    )
    assert_refused(client, response, before)
    assert "This account has been deactivated" in response.content.decode()


def test_the_session_dies_with_the_account(family: World, provider, local_idp: LocalIdP, client) -> None:
    request_id = start(client)
    post_response(client, local_idp.response(in_response_to=request_id, attributes={"FrEduCtId": ["FAM-0001"]}))
    assert client.get(reverse("core:dashboard")).status_code == 200
    from romsie.core.access.scope import Scope

    identity_services.account_deactivate(scope=Scope(user_id=family.territory_admin.pk), user=family.a.parent)
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_the_sign_in_page_shows_a_button_per_enabled_provider(
    family: World, provider, client, django_assert_num_queries
) -> None:
    IdentityProvider.objects.filter(pk=provider.pk).update(name="ÉduConnect")
    with django_assert_num_queries(1):
        page = client.get(reverse("identity:sign-in")).content.decode()
    assert "Sign in with ÉduConnect" in page
    assert reverse("saml:login", args=["educonnect"]) in page
    IdentityProvider.objects.filter(pk=provider.pk).update(is_enabled=False)
    assert "Sign in with" not in client.get(reverse("identity:sign-in")).content.decode()
    assert client.get(reverse("saml:login", args=["educonnect"])).status_code == 404


def test_the_metadata_is_signed_with_our_key(client, settings) -> None:
    response = client.get(reverse("saml:metadata"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/samlmetadata+xml"
    xml = response.content.decode()
    assert protocol.acs_url() in xml
    security = security_context(protocol._config(None))
    node = "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor"
    assert security.verify_signature(xml, cert_file=settings.ROMSIE_SAML_CERT_FILE, node_name=node)
    with pytest.raises(SignatureError):
        security.verify_signature(
            xml.replace("/saml/acs/", "/evil/acs/"), cert_file=settings.ROMSIE_SAML_CERT_FILE, node_name=node
        )


def test_without_a_key_nothing_shows(family: World, provider, client, settings) -> None:
    settings.ROMSIE_SAML_KEY_FILE = ""
    assert "Sign in with" not in client.get(reverse("identity:sign-in")).content.decode()
    assert client.get(reverse("saml:metadata")).status_code == 404
    assert client.get(reverse("saml:login", args=["educonnect"])).status_code == 404


def test_the_assertion_consumer_service_costs_a_fixed_number_of_queries(
    family: World, provider, local_idp: LocalIdP, client, django_assert_num_queries
) -> None:
    request_id = start(client)
    saml = local_idp.response(in_response_to=request_id, attributes={"FrEduCtId": ["FAM-0001"]})
    # The provider, the person, the used assertion (purge, savepoint, insert), then what the
    # password sign-in costs too: the session, last_login, django-axes' log, the scope, the
    # connection log.
    with django_assert_num_queries(22):
        assert post_response(client, saml).status_code == 302
