"""django-oauth-toolkit's validator with the ENT's rules.

* Tokens and codes are bound to the person's session epoch (``tokens``): a deactivated account,
  or one whose sessions were ended, has every token refused at once.
* Redirect URIs are compared as exact strings with the registered ones.
* Claims come from ``claims`` (pairwise ``sub``), by the scopes granted.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from . import claims, tokens

logger = logging.getLogger(__name__)


class Validator(OAuth2Validator):
    """The ENT's OAuth2 and OpenID Connect validator."""

    oidc_claim_scope = None

    def validate_redirect_uri(self, client_id: str, redirect_uri: str, request: Any, *args: Any, **kwargs: Any) -> bool:
        allowed = redirect_uri in request.client.redirect_uris.split()
        if not allowed:
            logger.warning("OIDC: redirect URI refused for client %s", client_id)
        return allowed and bool(super().validate_redirect_uri(client_id, redirect_uri, request, *args, **kwargs))

    def save_authorization_code(
        self, client_id: str, code: dict[str, Any], request: Any, *args: Any, **kwargs: Any
    ) -> None:
        # The same dict is sent back to the client: the code carries the person's epoch.
        code["code"] = f"{request.user.session_epoch}.{code['code']}"
        super().save_authorization_code(client_id, code, request, *args, **kwargs)

    def validate_code(self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not super().validate_code(client_id, code, client, request, *args, **kwargs):
            logger.warning("OIDC: authorization code refused for client %s", client_id)
            return False
        if not tokens.alive(request.user, code):
            logger.warning("OIDC: authorization code of an ended account or session, client %s", client_id)
            return False
        return True

    def validate_bearer_token(self, token: str, scopes: Any, request: Any) -> bool:
        if not super().validate_bearer_token(token, scopes, request):
            return False
        if not tokens.alive(request.user, token):
            request.oauth2_error = OrderedDict(
                [("error", "invalid_token"), ("error_description", "The access token is no longer valid.")]
            )
            request.user = None
            request.access_token = None
            return False
        return True

    def validate_refresh_token(self, refresh_token: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            logger.warning("OIDC: refresh token refused for client %s", getattr(client, "client_id", ""))
            return False
        if not tokens.alive(request.user, refresh_token):
            logger.warning("OIDC: refresh token of an ended account or session, client %s", client.client_id)
            return False
        return True

    def get_oidc_claims(self, token: Any, token_handler: Any, request: Any) -> dict[str, Any]:
        return claims.claims_for(request.user, request.client.client_id, list(request.scopes or []))

    def get_discovery_claims(self, request: Any) -> list[str]:
        return [name for names in claims.SCOPE_CLAIMS.values() for name in names]
