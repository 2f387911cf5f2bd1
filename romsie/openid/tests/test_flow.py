"""The whole OpenID Connect flow with a real client library (authlib), PKCE, and a signed id_token."""

from __future__ import annotations

from typing import Any

import pytest
from authlib.common.security import generate_token
from joserfc import jwt
from joserfc.jwk import KeySet

from romsie.core.testing.world import World

from .support import ISSUER, REDIRECT_URI, consent, register, session


def _discovery(oidc: Any) -> dict[str, Any]:
    answer = oidc.get(f"{ISSUER}/.well-known/openid-configuration", withhold_token=True)
    assert answer.status_code == 200
    return dict(answer.json())


def test_discovery_authorize_consent_token_id_token_userinfo_refresh(world: World, client_for: Any) -> None:
    registered = register(world.territory_admin, world.north)
    client_id = registered.registration.application.client_id
    oidc = session(registered, scope="openid profile establishment")
    discovery = _discovery(oidc)
    assert discovery["issuer"] == ISSUER
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert "pairwise" in discovery["subject_types_supported"]
    assert {"timetable", "homework", "messages", "notifications", "news"} <= set(discovery["scopes_supported"])

    verifier = generate_token(48)
    url, state = oidc.create_authorization_url(discovery["authorization_endpoint"], code_verifier=verifier)
    browser = client_for(world.a.student)
    location = consent(browser, url.removeprefix(ISSUER))
    assert location.startswith(REDIRECT_URI + "?")

    token = oidc.fetch_token(
        discovery["token_endpoint"], authorization_response=location, code_verifier=verifier, state=state
    )
    assert token["token_type"] == "Bearer"
    assert set(token["scope"].split()) == {"openid", "profile", "establishment"}

    keys = KeySet.import_key_set(oidc.get(discovery["jwks_uri"], withhold_token=True).json())
    id_token = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": ISSUER}, aud={"essential": True, "value": client_id}
    ).validate(id_token.claims)
    claims = id_token.claims
    assert claims["sub"] != str(world.a.student.pk) and len(claims["sub"]) == 64
    assert claims["preferred_username"] == "student.a"
    assert claims["establishments"] == [
        {"uai": "0771234A", "name": "Collège Jean Moulin", "profiles": ["student"], "classes": ["6e A a"]}
    ]
    assert "email" not in claims  # not asked for

    userinfo = oidc.get(discovery["userinfo_endpoint"])
    assert userinfo.status_code == 200
    assert userinfo.json()["sub"] == claims["sub"]
    assert userinfo.json()["family_name"] == world.a.student.last_name

    first_refresh = token["refresh_token"]
    renewed = oidc.refresh_token(discovery["token_endpoint"], refresh_token=first_refresh)
    assert renewed["access_token"] != token["access_token"]
    assert renewed["refresh_token"] != first_refresh  # rotated
    assert oidc.get(discovery["userinfo_endpoint"]).status_code == 200
    # The rotated refresh token is dead: replaying it fails (and revokes its family).
    replay = oidc.post(
        discovery["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": first_refresh},
        auth=(client_id, registered.secret),
    )
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"


def test_remembered_consent_skips_the_screen_until_revoked(world: World, client_for: Any) -> None:
    registered = register(world.territory_admin, world.north)
    oidc = session(registered, scope="openid profile")
    browser = client_for(world.a.teacher)
    url, _state = oidc.create_authorization_url("http://testserver/oauth/authorize/", code_verifier=generate_token(48))
    consent(browser, url.removeprefix(ISSUER))

    again, _state = oidc.create_authorization_url(
        "http://testserver/oauth/authorize/", code_verifier=generate_token(48)
    )
    answer = browser.get(again.removeprefix(ISSUER))
    assert answer.status_code == 302 and "code=" in answer["Location"]  # no screen the second time

    page = browser.get("/compte/applications/")
    assert b"Manuels" in page.content
    consent_pk = page.context["apps"][0].consent.pk
    browser.post(f"/compte/applications/{consent_pk}/deconnecter/")
    third, _state = oidc.create_authorization_url(
        "http://testserver/oauth/authorize/", code_verifier=generate_token(48)
    )
    assert browser.get(third.removeprefix(ISSUER)).status_code == 200  # asked again


@pytest.mark.parametrize("confidential", [False])
def test_a_public_client_uses_pkce_alone(world: World, client_for: Any, confidential: bool) -> None:
    registered = register(world.territory_admin, world.north, confidential=confidential, scopes="openid")
    assert registered.secret == ""
    oidc = session(registered, scope="openid")
    verifier = generate_token(48)
    url, state = oidc.create_authorization_url("http://testserver/oauth/authorize/", code_verifier=verifier)
    location = consent(client_for(world.a.parent), url.removeprefix(ISSUER))
    token = oidc.fetch_token(
        "http://testserver/oauth/token/", authorization_response=location, code_verifier=verifier, state=state
    )
    assert "id_token" in token
