"""Bearer tokens: who gets in, and how a token dies (expiry, revocation, deactivation, sign-out everywhere)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from oauth2_provider.models import AccessToken

from romsie.api.models import IssuedToken
from romsie.core.testing.factories import scope_of
from romsie.core.testing.world import World
from romsie.identity import services as identity_services
from romsie.openid import tokens

from .builders import bearer, token_for

ME = "/api/v1/me"


def test_the_api_accepts_bearer_tokens_only(world: World, client_for: Any) -> None:
    """No token, a signed-in browser's session, a made-up token, a token of no issue: 401."""
    student = world.a.student
    assert Client().get(ME).status_code == 401
    browser = client_for(student)
    response = browser.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert Client().get(ME, **bearer("made-up")).status_code == 401
    assert Client().get(ME, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz").status_code == 401
    # An AccessToken row the ENT did not bind to an epoch is not accepted.
    AccessToken.objects.create(
        user=student, token="unbound-token", scope="news", expires=timezone.now() + datetime.timedelta(days=1)
    )
    assert Client().get(ME, **bearer("unbound-token")).status_code == 401
    assert Client().get(ME, **bearer(token_for(student))).status_code == 200


def test_an_expired_token_is_refused(world: World) -> None:
    secret = token_for(world.a.student)
    AccessToken.objects.filter(token=secret).update(expires=timezone.now() - datetime.timedelta(seconds=1))
    assert Client().get(ME, **bearer(secret)).status_code == 401


def test_tokens_die_with_the_account(world: World) -> None:
    """Deactivating the account, or signing out everywhere, revokes every token at once."""
    a = world.a
    student_token, parent_token = token_for(a.student), token_for(a.parent)
    assert Client().get(ME, **bearer(student_token)).status_code == 200
    identity_services.account_deactivate(scope=scope_of(a.head), user=a.student)
    assert Client().get(ME, **bearer(student_token)).status_code == 401
    identity_services.account_reactivate(scope=scope_of(a.head), user=a.student)
    assert Client().get(ME, **bearer(student_token)).status_code == 401  # reactivation revives nothing

    assert Client().get(ME, **bearer(parent_token)).status_code == 200
    identity_services.sign_out_everywhere(user=a.parent)
    assert Client().get(ME, **bearer(parent_token)).status_code == 401
    a.parent.refresh_from_db()
    assert Client().get(ME, **bearer(token_for(a.parent))).status_code == 200  # a new token works


def test_a_token_of_the_oauth2_provider_is_bound_to_the_epoch_and_a_string_it_did_not_make_is_refused(
    world: World,
) -> None:
    student = world.a.student
    expires = timezone.now() + datetime.timedelta(hours=1)
    issued = tokens.bound(student.session_epoch)  # what the provider's token generator makes
    AccessToken.objects.create(user=student, token=issued, scope="news", expires=expires)
    AccessToken.objects.create(user=student, token="made-elsewhere", scope="news", expires=expires)
    assert Client().get(ME, **bearer(issued)).status_code == 200
    assert Client().get(ME, **bearer("made-elsewhere")).status_code == 401
    identity_services.sign_out_everywhere(user=student)
    assert Client().get(ME, **bearer(issued)).status_code == 401


def test_rate_limit_per_token(world: World, settings: Any) -> None:
    settings.ROMSIE_API_RATE_LIMIT = 3
    settings.ROMSIE_API_RATE_WINDOW_SECONDS = 60
    first, second = token_for(world.a.student), token_for(world.a.student)
    for _ in range(3):
        assert Client().get(ME, **bearer(first)).status_code == 200
    refused = Client().get(ME, **bearer(first))
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert Client().get(ME, **bearer(second)).status_code == 200  # per token


def test_rate_limit_with_the_cache_down_lets_requests_through(world: World, settings: Any) -> None:
    """An unreachable Redis (the fail-safe backend) costs the limit, never a 500."""
    settings.CACHES = {
        "default": {
            "BACKEND": "romsie.core.cache_backends.FailSafeRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    settings.ROMSIE_API_RATE_LIMIT = 1
    secret = token_for(world.a.student)
    for _ in range(3):
        assert Client().get(ME, **bearer(secret)).status_code == 200


# -- The personal tokens page ------------------------------------------------------------------

PAGE = "api:token-list"


def test_a_person_creates_a_token_sees_it_once_uses_it_and_revokes_it(world: World, client_for: Any) -> None:
    parent = world.a.parent
    browser = client_for(parent)
    response = browser.post(
        reverse(PAGE), {"name": "Family calendar", "scopes": ["timetable", "homework"], "lifetime_days": "30"}
    )
    assert response.status_code == 200
    secret = re.search(r'id="personal-token-secret"[^>]*>([^<]+)<', response.content.decode()).group(1)  # type: ignore[union-attr]
    assert tokens.epoch_of(secret) == parent.session_epoch  # bound to the account's sessions
    issued = IssuedToken.objects.get(access_token__user=parent)
    assert (issued.name, issued.is_personal, issued.access_token.scope) == (
        "Family calendar",
        True,
        "homework timetable",
    )
    assert Client().get(ME, **bearer(secret)).json()["scopes"] == ["homework", "timetable"]
    assert Client().get("/api/v1/news", **bearer(secret)).status_code == 403
    listed = browser.get(reverse(PAGE)).content.decode()
    assert "Family calendar" in listed and secret not in listed  # shown once only
    # Someone else cannot revoke it.
    client_for(world.a.teacher).post(reverse("api:token-revoke", kwargs={"pk": issued.pk}))
    assert Client().get(ME, **bearer(secret)).status_code == 200
    browser.post(reverse("api:token-revoke", kwargs={"pk": issued.pk}))
    assert Client().get(ME, **bearer(secret)).status_code == 401
    assert not AccessToken.objects.filter(user=parent).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "scopes": ["news"], "lifetime_days": "30"},
        {"name": "x", "scopes": ["openid"], "lifetime_days": "30"},
        {"name": "x", "scopes": ["news", "admin"], "lifetime_days": "30"},
        {"name": "x", "scopes": [], "lifetime_days": "30"},
        {"name": "x", "scopes": ["news"], "lifetime_days": "100000"},
        {"name": "x" * 500, "scopes": ["news"], "lifetime_days": "30"},
    ],
)
def test_hostile_token_requests_are_refused_and_create_nothing(
    world: World, client_for: Any, data: dict[str, Any]
) -> None:
    response = client_for(world.a.student).post(reverse(PAGE), data)
    assert response.status_code == 200
    assert "personal-token-secret" not in response.content.decode()
    assert not AccessToken.objects.exists()
    assert not IssuedToken.objects.exists()
