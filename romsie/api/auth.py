"""Authentication of the family API: bearer access tokens, bound to the person's session epoch.

A request is authenticated by ``Authorization: Bearer <token>`` only: a session cookie counts
for nothing here (a signed-in browser without a token gets 401), so no page of the ENT can be
made to call the API on the person's behalf (no CSRF to guard). A token is accepted while it
has not expired, its person is active and their session epoch is the one its string was issued
under (``romsie.openid.tokens``: the one binding of every token the ENT issues, OAuth2 or
personal). Each token then counts against a fixed window
(``ROMSIE_API_RATE_LIMIT`` requests per ``ROMSIE_API_RATE_WINDOW_SECONDS``): past it, 429 with
``Retry-After``.

The person's scope is computed in the establishment the request names (``?establishment=<id>``,
one where they hold a role: any other is a 404), else in their default one, as a sign-in
computes it.
"""

from __future__ import annotations

import hashlib
from typing import Any, cast

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja.errors import Throttled
from ninja.security import HttpBearer
from oauth2_provider.models import AccessToken

from romsie.core import ratelimit
from romsie.core.access.scope import build_scope
from romsie.core.api import Grant
from romsie.core.ids import parse_id
from romsie.identity.scope import SESSION_ESTABLISHMENT
from romsie.openid import tokens


def _wanted_establishment(request: HttpRequest) -> int | None:
    """The establishment the request names (``?establishment=<id>``), or None; not a number is a 404."""
    raw = request.GET.get("establishment")
    if raw is None:
        return None
    establishment_id = parse_id(raw)
    if establishment_id is None:
        raise Http404
    return establishment_id


def _scope_request(user: Any, establishment_id: int | None) -> HttpRequest:
    """A request carrying only the person and, as if chosen in the header, the establishment asked for."""
    bare: Any = HttpRequest()
    bare.user = user
    bare.session = {SESSION_ESTABLISHMENT: establishment_id} if establishment_id is not None else {}
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
        wanted = _wanted_establishment(request)
        scoped: Any = request
        scoped.user = user
        scoped.scope = build_scope(_scope_request(user, wanted))
        if wanted is not None and scoped.scope.establishment_id != wanted:
            raise Http404  # not one of the person's establishments
        return Grant(
            token_id=access_token.pk,
            user_id=user.pk,
            scopes=frozenset(access_token.scope.split()),
            is_personal=access_token.application_id is None,
        )
