"""Permission-matrix rows of the OpenID Connect provider, for ``tests/test_permission_matrix.py``.

The protocol's endpoints (``oauth2_provider:``) answer by the protocol: the authorization endpoint
wants a signed-in person (an empty request is a 400 page), the token and revocation endpoints a
client's credentials (400/401 without), userinfo a bearer token (401 without); discovery and JWKS
are public. The territory's client pages are for territory admins; "Connected applications" is
everyone's own list. Object kinds: a client of territory ``north`` (``own``) or ``south``
(``other``); a consent of ``a``'s student (``own``) or ``c``'s student (``other``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from oauth2_provider.models import Application

from romsie.core.testing.world import World
from romsie.openid.models import ClientRegistration, Consent

# url name                                   object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
oauth2_provider:authorize                    -      | 302  400  400  400  400  400  400  400  400  400  400  400
oauth2_provider:token                        -      | 405  405  405  405  405  405  405  405  405  405  405  405
oauth2_provider:revoke-token                 -      | 405  405  405  405  405  405  405  405  405  405  405  405
oauth2_provider:user-info                    -      | 401  401  401  401  401  401  401  401  401  401  401  401
oauth2_provider:jwks-info                    -      | 200  200  200  200  200  200  200  200  200  200  200  200
oauth2_provider:oidc-connect-discovery-info  -      | 200  200  200  200  200  200  200  200  200  200  200  200
openid:client-list                           -      | 302  403  403  403  403  403  403  403  403  403  403  200
openid:client-create                         -      | 302  403  403  403  403  403  403  403  403  403  403  200
openid:client-edit                           own    | 302  403  403  403  403  403  403  403  403  403  403  200
openid:client-edit                           other  | 302  403  403  403  403  403  403  403  403  403  403  404
openid:client-delete                         own    | 302  403  403  403  403  403  403  403  403  403  403  405
openid:client-delete                         other  | 302  403  403  403  403  403  403  403  403  403  403  405
openid:connected-apps                        -      | 302  200  200  200  200  200  200  200  200  200  200  200
openid:connected-app-revoke                  own    | 302  405  405  405  405  405  405  405  405  405  405  405
openid:connected-app-revoke                  other  | 302  405  405  405  405  405  405  405  405  405  405  405
"""

# url name                                   object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
oauth2_provider:authorize                    -      | 302  400  400  400  400  400  400  400  400  400  400  400
oauth2_provider:token                        -      | 400  400  400  400  400  400  400  400  400  400  400  400
oauth2_provider:revoke-token                 -      | 400  400  400  400  400  400  400  400  400  400  400  400
oauth2_provider:user-info                    -      | 401  401  401  401  401  401  401  401  401  401  401  401
openid:client-create                         -      | 302  403  403  403  403  403  403  403  403  403  403  200
openid:client-edit                           own    | 302  403  403  403  403  403  403  403  403  403  403  302+
openid:client-edit                           other  | 302  403  403  403  403  403  403  403  403  403  403  404
openid:client-delete                         own    | 302  403  403  403  403  403  403  403  403  403  403  302+
openid:client-delete                         other  | 302  403  403  403  403  403  403  403  403  403  403  404
openid:connected-app-revoke                  own    | 302  302+ 404  404  404  404  404  404  404  404  404  404
openid:connected-app-revoke                  other  | 302  404  404  404  404  404  404  404  404  404  404  404
"""


def _client(world: World, which: str) -> ClientRegistration:
    territory = world.north if which == "own" else world.south
    application = Application.objects.create(
        name=f"Client {which}",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://manuels.example.test/callback",
        algorithm=Application.RS256_ALGORITHM,
    )
    return ClientRegistration.objects.create(application=application, territory=territory, allowed_scopes="openid")


def _consent(world: World, which: str) -> dict[str, Any]:
    registration = _client(world, which)
    person = world.a.student if which == "own" else world.c.student
    consent = Consent.objects.create(
        user=person, application=registration.application, scopes="openid", granted_at=timezone.now()
    )
    return {"pk": consent.pk}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "openid:client-edit": lambda world, which: {"pk": _client(world, which).pk},
    "openid:client-delete": lambda world, which: {"pk": _client(world, which).pk},
    "openid:connected-app-revoke": _consent,
}

# A territory admin's edit is saved (an audit event added: ``302+``).
POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "openid:client-edit": lambda world, which: {
        "name": "Manuels",
        "redirect_uris": "https://manuels.example.test/callback",
        "scopes": ["openid"],
        "version": 0,
    },
}
