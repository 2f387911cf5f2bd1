"""The territory's client pages, "Connected applications", key rotation and the demo client."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone
from jwcrypto import jwk
from oauth2_provider.models import AccessToken, Application
from oauth2_provider.settings import oauth2_settings

from romsie.core.models import AuditEvent
from romsie.core.testing.world import World
from romsie.openid import demo
from romsie.openid.models import ClientRegistration, Consent

from .support import REDIRECT_URI, register


def _form(territory_pk: int, **changes: Any) -> dict[str, Any]:
    return {
        "territory": territory_pk,
        "name": "Manuels numériques",
        "redirect_uris": REDIRECT_URI,
        "scopes": ["openid", "profile", "establishment"],
        "confidential": "1",
        **changes,
    }


def test_a_territory_admin_registers_a_client_and_sees_its_secret_once(world: World, client_for: Any) -> None:
    admin = client_for(world.territory_admin)
    answer = admin.post("/administration/territoire/applications/ajouter/", _form(world.north.pk))
    assert answer.status_code == 200
    secret = answer.context["secret"]
    assert len(secret) > 40 and secret.encode() in answer.content
    assert "no-store" in answer["Cache-Control"]
    registration = ClientRegistration.objects.get()
    application = registration.application
    assert registration.territory == world.north
    assert registration.scopes == ["openid", "profile", "establishment"]
    assert application.client_secret != secret  # stored hashed
    assert application.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert application.algorithm == Application.RS256_ALGORITHM
    assert AuditEvent.objects.filter(action="openid.client_created").exists()
    listing = admin.get("/administration/territoire/applications/")
    assert application.client_id.encode() in listing.content
    assert secret.encode() not in listing.content


def test_hostile_redirect_uris_and_other_territories_are_refused(world: World, client_for: Any) -> None:
    admin = client_for(world.territory_admin)
    for uris in ["http://manuels.example.test/cb", "https://*.example.test/cb", "https://x.test/cb#a", "javascript:x"]:
        answer = admin.post(
            "/administration/territoire/applications/ajouter/", _form(world.north.pk, redirect_uris=uris)
        )
        assert answer.status_code == 200 and answer.context["form"].errors
    answer = admin.post("/administration/territoire/applications/ajouter/", _form(world.south.pk))
    assert answer.context["form"].errors  # a territory one does not administer
    assert not Application.objects.exists()


def test_a_territory_admin_removes_only_their_clients(world: World, client_for: Any) -> None:
    mine = register(world.territory_admin, world.north)
    theirs = ClientRegistration.objects.create(
        application=Application.objects.create(name="Sud", redirect_uris=REDIRECT_URI), territory=world.south,
        allowed_scopes="openid",
    )  # fmt: skip
    admin = client_for(world.territory_admin)
    assert admin.post(f"/administration/territoire/applications/{theirs.pk}/supprimer/").status_code == 404
    assert admin.post(f"/administration/territoire/applications/{mine.registration.pk}/supprimer/").status_code == 302
    assert list(ClientRegistration.objects.all()) == [theirs]


def test_the_territory_home_links_the_clients(world: World, client_for: Any) -> None:
    page = client_for(world.territory_admin).get("/administration/territoire/")
    assert b"/administration/territoire/applications/" in page.content


def test_jwks_publishes_every_key_and_the_first_signs(world: World, settings: Any) -> None:
    old = jwk.JWK.generate(kty="RSA", size=2048)
    old_pem = old.export_to_pem(private_key=True, password=None).decode()
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [old_pem]}
    try:
        keys = Client().get("/oauth/jwks/").json()["keys"]
        current = jwk.JWK.from_pem(settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"].encode())
        assert [key["kid"] for key in keys] == [current.thumbprint(), old.thumbprint()]
        assert all("d" not in key for key in keys)  # public parts only
    finally:
        oauth2_settings.reload()


def test_the_demo_registers_the_textbook_platform(world: World) -> None:
    assert demo.populate([world.a.establishment.pk]) == 2
    registration = ClientRegistration.objects.get(application__client_id=demo.CLIENT_ID)
    assert registration.territory == world.north
    assert registration.application.redirect_uris == "https://manuels.example.test/callback"
    assert registration.scopes == ["openid", "profile", "establishment"]
    assert demo.populate([world.a.establishment.pk]) == 0  # once


def _edit_form(registered: Any, **changes: Any) -> dict[str, Any]:
    registration = ClientRegistration.objects.get(pk=registered.registration.pk)
    return {
        "name": "Manuels numériques",
        "redirect_uris": f"{REDIRECT_URI}\nhttps://manuels.example.test/autre",
        "scopes": ["openid", "profile", "establishment"],
        "version": registration.version,
        **changes,
    }


def test_a_territory_admin_edits_a_client_its_id_and_secret_stay(world: World, client_for: Any) -> None:
    registered = register(world.territory_admin, world.north, scopes="openid profile establishment")
    application = registered.registration.application
    admin = client_for(world.territory_admin)
    url = f"/administration/territoire/applications/{registered.registration.pk}/modifier/"
    listing = admin.get("/administration/territoire/applications/")
    assert url.encode() in listing.content  # reached from the list
    page = admin.get(url)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert page.context["form"]["name"].value() == "Manuels"
    assert application.client_id.encode() in page.content

    answer = admin.post(url, _edit_form(registered))
    assert answer.status_code == 302
    registration = ClientRegistration.objects.select_related("application").get()
    assert registration.application.name == "Manuels numériques"
    assert registration.application.redirect_uris.split() == [REDIRECT_URI, "https://manuels.example.test/autre"]
    assert registration.application.client_id == application.client_id
    assert registration.application.client_secret == application.client_secret
    assert registration.version == 1
    assert AuditEvent.objects.filter(action="openid.client_updated").exists()

    refused = admin.post(url, _edit_form(registered, redirect_uris="http://manuels.example.test/cb"))
    assert refused.status_code == 200 and refused.context["form"].errors
    assert b"http://manuels.example.test/cb" in refused.content  # what was typed is kept
    assert ClientRegistration.objects.get().version == 1


def test_taking_a_scope_away_ends_the_clients_tokens_and_trims_the_consents(world: World, client_for: Any) -> None:
    registered = register(world.territory_admin, world.north, scopes="openid profile email")
    application = registered.registration.application
    person = world.a.teacher
    Consent.objects.create(
        user=person, application=application, scopes="email openid profile", granted_at=timezone.now()
    )
    AccessToken.objects.create(
        user=person,
        application=application,
        token="t-1",
        scope="openid email",
        expires=timezone.now() + timedelta(hours=1),
    )
    admin = client_for(world.territory_admin)
    url = f"/administration/territoire/applications/{registered.registration.pk}/modifier/"

    # A redirect URI added and the scopes kept: the tokens stay.
    assert admin.post(url, _edit_form(registered, scopes=["openid", "profile", "email"])).status_code == 302
    assert AccessToken.objects.filter(application=application).count() == 1

    assert admin.post(url, _edit_form(registered, scopes=["openid", "profile"])).status_code == 302
    assert not AccessToken.objects.filter(application=application).exists()
    assert Consent.objects.get(user=person, application=application).scopes == "openid profile"


def test_an_edit_made_meanwhile_is_not_overwritten_unknowingly(world: World, client_for: Any) -> None:
    registered = register(world.territory_admin, world.north, scopes="openid profile establishment")
    url = f"/administration/territoire/applications/{registered.registration.pk}/modifier/"
    shown = _edit_form(registered, name="Mon nom")  # the form as the first admin opened it (version 0)
    other = client_for(world.territory_admin)
    assert other.post(url, _edit_form(registered, name="Son nom")).status_code == 302

    admin = client_for(world.territory_admin)
    answer = admin.post(url, shown)
    assert answer.status_code == 200
    assert ClientRegistration.objects.select_related("application").get().application.name == "Son nom"
    form = answer.context["form"]
    assert form.conflict is not None
    assert b"Son nom" in answer.content and b"Mon nom" in answer.content  # theirs shown, mine kept
    assert form["version"].value() == "1"
    assert admin.post(url, dict(shown, version=1)).status_code == 302  # saved knowingly
    assert ClientRegistration.objects.select_related("application").get().application.name == "Mon nom"


def test_the_edit_page_costs_a_fixed_number_of_queries(
    world: World, client_for: Any, django_assert_num_queries: Any
) -> None:
    registered = register(world.territory_admin, world.north, scopes="openid profile establishment")
    admin = client_for(world.territory_admin)
    url = f"/administration/territoire/applications/{registered.registration.pk}/modifier/"
    admin.get(url)  # the scope cached, as on any page after the first
    # The session, the person, the registration with its application.
    with django_assert_num_queries(3):
        assert admin.get(url).status_code == 200
    # The same, then the save in a savepoint: the version claimed, the application, the
    # registration, the audit event (taking an address or a scope away costs its own deletes).
    form = _edit_form(registered)
    with django_assert_num_queries(9):
        assert admin.post(url, form).status_code == 302
