"""Authentication of the family API: bearer access tokens, bound to the person's session epoch.

A request is authenticated by ``Authorization: Bearer <token>`` only: a session cookie counts
for nothing here (a signed-in browser without a token gets 401), so no page of the ENT can be
made to call the API on the person's behalf (no CSRF to guard). A token is accepted while it
has not expired, its person is active and their session epoch is the one its string was issued
under (``romsie.openid.tokens``: the one binding of every token the ENT issues, OAuth2 or
personal). Each token then counts against a fixed window
(``ROMSIE_API_RATE_LIMIT`` requests per ``ROMSIE_API_RATE_WINDOW_SECONDS``): past it, 429 with
``Retry-After``.
"""

from __future__ import annotations

import hashlib
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import Throttled
from ninja.security import HttpBearer
from oauth2_provider.models import AccessToken

from romsie.core import ratelimit
from romsie.core.access.scope import build_scope
from romsie.core.api import Grant
from romsie.openid import tokens


def _scope_request(user: Any) -> HttpRequest:
    """A request carrying only the person, with an empty session: the scope of their default establishment."""
    bare: Any = HttpRequest()
    bare.user = user
    bare.session = {}
    return cast(HttpRequest, bare)


class BearerToken(HttpBearer):
    """``Authorization: Bearer <access token>``, checked against the issued tokens."""

    def authenticate(self, request: HttpRequest, token: str) -> Grant | None:
        if not token or len(token) > 255:
            return None
        if tokens.epoch_of(token) is None:
            return None  # not a string the ENT issued: no query
        checksum = hashlib.sha256(token.encode()).hexdigest()
        access_token = AccessToken.objects.filter(token_checksum=checksum).select_related("user").first()
        if access_token is None:
            return None
        user = access_token.user
        if not tokens.alive(user, token) or access_token.expires <= timezone.now():
            return None
        wait = ratelimit.hit(
            f"api:token:{access_token.pk}",
            limit=settings.ROMSIE_API_RATE_LIMIT,
            window_seconds=settings.ROMSIE_API_RATE_WINDOW_SECONDS,
        )
        if wait:
            raise Throttled(wait)
        scoped: Any = request
        scoped.user = user
        scoped.scope = build_scope(_scope_request(user))
        return Grant(
            token_id=access_token.pk,
            user_id=user.pk,
            scopes=frozenset(access_token.scope.split()),
            is_personal=access_token.application_id is None,
        )
