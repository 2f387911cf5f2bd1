"""Hostile requests are refused with the protocol's error, logged, and create nothing."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from authlib.common.security import generate_token
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from romsie.core import retention
from romsie.core.testing.world import World
from romsie.identity import services as identity_services
from romsie.identity.models import User

from .support import ISSUER, REDIRECT_URI, authorize_url, consent, pkce_pair, query_of, register, session

TOKEN_URL = f"{ISSUER}/oauth/token/"


def _code(browser: Any, registered: Any, challenge: str, scope: str = "openid profile") -> str:
    location = consent(browser, authorize_url(registered.registration.application.client_id, challenge, scope=scope))
    assert location.startswith(REDIRECT_URI)
    return query_of(location)["code"]


def _exchange(registered: Any, code: str, verifier: str) -> Any:
    oidc = session(registered)
    return oidc.post(
        TOKEN_URL,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
        auth=(registered.registration.application.client_id, registered.secret),
        withhold_token=True,
    )


@pytest.mark.parametrize(
    "hostile",
    [
        "https://evil.example.test/callback",
        "https://manuels.example.test/callback/extra",
        "https://manuels.example.test/callback?next=https://evil.example.test",
        "https://manuels.example.test.evil.test/callback",
        "http://manuels.example.test/callback",
        "https://manuels.example.test/callback#fragment",
    ],
)
def test_a_redirect_uri_not_registered_exactly_is_refused_without_redirect(
    world: World, client_for: Any, caplog: Any, hostile: str
) -> None:
    registered = register(world.territory_admin, world.north)
    _verifier, challenge = pkce_pair()
    url = authorize_url(registered.registration.application.client_id, challenge, redirect_uri=hostile)
    with caplog.at_level(logging.WARNING, logger="romsie.openid"):
        answer = client_for(world.a.student).get(url)
    assert answer.status_code == 400
    assert "Location" not in answer
    assert b'href="https://evil' not in answer.content and b"Connection refused" in answer.content
    assert any("refused" in record.getMessage() for record in caplog.records)
    assert not Grant.objects.exists()


def test_a_pkce_verifier_mismatch_is_refused(world: World, client_for: Any, caplog: Any) -> None:
    registered = register(world.territory_admin, world.north)
    _verifier, challenge = pkce_pair()
    code = _code(client_for(world.a.student), registered, challenge)
    with caplog.at_level(logging.WARNING, logger="romsie.openid"):
        answer = _exchange(registered, code, generate_token(48))
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"
    assert any("token refused" in record.getMessage() for record in caplog.records)
    assert not AccessToken.objects.exists() and not RefreshToken.objects.exists()


@pytest.mark.parametrize("challenge_params", [{"code_challenge_method": "plain"}, {"code_challenge": ""}])
def test_an_authorization_without_s256_pkce_is_refused(world: World, client_for: Any, challenge_params: Any) -> None:
    registered = register(world.territory_admin, world.north)
    verifier, challenge = pkce_pair()
    params = {"code_challenge": verifier, **challenge_params} if "code_challenge_method" in challenge_params else {}
    url = authorize_url(registered.registration.application.client_id, challenge, **params)
    if not params:
        url = url.replace(f"code_challenge={challenge}", "")
    answer = client_for(world.a.student).get(url)
    if answer.status_code == 302:  # sent back to the client with the error
        assert answer["Location"].startswith(REDIRECT_URI)
        assert query_of(answer["Location"])["error"] == "invalid_request"
    else:  # or the error page
        assert answer.status_code == 400
    assert not Grant.objects.exists()


def test_a_code_is_single_use(world: World, client_for: Any) -> None:
    registered = register(world.territory_admin, world.north)
    verifier, challenge = pkce_pair()
    code = _code(client_for(world.a.student), registered, challenge)
    assert _exchange(registered, code, verifier).status_code == 200
    tokens = AccessToken.objects.count()
    again = _exchange(registered, code, verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert AccessToken.objects.count() == tokens


def test_a_code_of_another_client_is_refused(world: World, client_for: Any) -> None:
    mine = register(world.territory_admin, world.north, name="Manuels")
    other = register(world.territory_admin, world.north, name="Autre")
    verifier, challenge = pkce_pair()
    code = _code(client_for(world.a.student), mine, challenge)
    answer = _exchange(other, code, verifier)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()


def test_scopes_the_client_is_not_allowed_are_refused(world: World, client_for: Any) -> None:
    registered = register(world.territory_admin, world.north, scopes="openid profile")
    _verifier, challenge = pkce_pair()
    url = authorize_url(registered.registration.application.client_id, challenge, scope="openid profile messages")
    answer = client_for(world.a.student).get(url)
    assert answer.status_code == 302
    assert answer["Location"].startswith(REDIRECT_URI)
    assert query_of(answer["Location"])["error"] == "invalid_scope"
    assert not Grant.objects.exists()


def test_an_unknown_client_gets_the_error_page(world: World, client_for: Any) -> None:
    _verifier, challenge = pkce_pair()
    answer = client_for(world.a.student).get(authorize_url("no-such-client", challenge))
    assert answer.status_code in (400, 401)
    assert "Location" not in answer


def test_deny_sends_access_denied_and_creates_nothing(world: World, client_for: Any) -> None:
    registered = register(world.territory_admin, world.north)
    _verifier, challenge = pkce_pair()
    browser = client_for(world.a.student)
    page = browser.get(authorize_url(registered.registration.application.client_id, challenge))
    data = {name: value for name, value in page.context["form"].initial.items() if value is not None}
    answer = browser.post("/oauth/authorize/", data)
    assert query_of(answer["Location"])["error"] == "access_denied"
    assert not Grant.objects.exists()
    assert not registered.registration.application.consents.exists()


def _tokens(world: World, client_for: Any, person: User) -> tuple[Any, Any]:
    registered = register(world.territory_admin, world.north)
    oidc = session(registered, scope="openid profile")
    verifier = generate_token(48)
    url, state = oidc.create_authorization_url(f"{ISSUER}/oauth/authorize/", code_verifier=verifier)
    location = consent(client_for(person), url.removeprefix(ISSUER))
    token = oidc.fetch_token(TOKEN_URL, authorization_response=location, code_verifier=verifier, state=state)
    assert oidc.get(f"{ISSUER}/oauth/userinfo/").status_code == 200
    return oidc, token


@pytest.mark.parametrize("ending", ["deactivation", "sign_out_everywhere"])
def test_tokens_die_with_the_account_or_its_sessions(world: World, client_for: Any, ending: str) -> None:
    from romsie.core.testing.factories import scope_of

    person = world.a.student
    oidc, token = _tokens(world, client_for, person)
    if ending == "deactivation":
        identity_services.account_deactivate(scope=scope_of(world.a.head), user=person)
    else:
        identity_services.sign_out_everywhere(user=person)
    assert oidc.get(f"{ISSUER}/oauth/userinfo/").status_code == 401
    refreshed = oidc.post(
        TOKEN_URL,
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=(oidc.client_id, oidc.client_secret),
        withhold_token=True,
    )
    assert refreshed.status_code == 400 and refreshed.json()["error"] == "invalid_grant"


def test_a_revoked_token_no_longer_works(world: World, client_for: Any) -> None:
    oidc, token = _tokens(world, client_for, world.a.teacher)
    oidc.revoke_token(f"{ISSUER}/oauth/revoke_token/", token=token["access_token"], token_type_hint="access_token")
    assert oidc.get(f"{ISSUER}/oauth/userinfo/").status_code == 401


def test_expired_tokens_and_codes_are_purged_by_the_retention_job(world: World, client_for: Any) -> None:
    _tokens(world, client_for, world.a.teacher)
    _verifier, challenge = pkce_pair()
    _code(client_for(world.a.student), register(world.territory_admin, world.north, name="Autre"), challenge)
    assert retention.purge_expired(now=timezone.now())["OAuth2 tokens and codes"] == 0  # all still alive
    in_a_day = retention.purge_expired(now=timezone.now() + timedelta(days=1))
    assert in_a_day["OAuth2 tokens and codes"] == 1  # the unused code
    assert AccessToken.objects.exists() and RefreshToken.objects.exists()  # may still be refreshed
    later = timezone.now() + timedelta(days=32)
    assert retention.purge_expired(now=later)["OAuth2 tokens and codes"] >= 3
    assert not AccessToken.objects.exists() and not RefreshToken.objects.exists() and not Grant.objects.exists()


def test_a_token_exchange_costs_a_constant_number_of_queries(
    world: World, client_for: Any, django_assert_num_queries: Any
) -> None:
    registered = register(world.territory_admin, world.north, scopes="openid profile establishment")
    browser = client_for(world.a.student)
    for _round in range(2):
        verifier, challenge = pkce_pair()
        code = _code(browser, registered, challenge, scope="openid profile establishment")
        with django_assert_num_queries(22):
            assert _exchange(registered, code, verifier).status_code == 200
