"""oauthlib's OpenID Connect server with PKCE limited to S256 (no "plain" challenge)."""

from __future__ import annotations

from typing import Any

from oauthlib.oauth2.rfc6749 import errors
from oauthlib.openid import Server as OpenIdServer


def require_s256(request: Any) -> dict[str, Any]:
    """Refuse an authorization request whose PKCE challenge is missing or not S256."""
    if request.code_challenge is None:
        raise errors.MissingCodeChallengeError(request=request)
    if request.code_challenge_method != "S256":
        raise errors.InvalidRequestError(description="code_challenge_method must be S256.", request=request)
    return {}


class Server(OpenIdServer):
    """The authorization code flow of OAuth2 and OpenID Connect, PKCE S256 required."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for grant in (self.auth_grant, self.openid_connect_auth.proxy_target):
            grant.custom_validators.pre_auth.append(require_s256)
