"""The protocol's endpoints: django-oauth-toolkit's views with the ENT's declarations and pages.

The consent screen is ours (``openid/authorize.html``, in the ENT's design): the client's name,
the scopes in plain words, allow or deny. A consent is remembered per client and scope set, so
the screen is not shown again for scopes already allowed (unless the client asks with
``prompt=consent``). Every refusal answers with the protocol's error and is logged.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from oauth2_provider import views as oauth_views
from oauth2_provider.forms import AllowForm

from romsie.core.access.declarations import public, signed_in

from . import selectors, services
from .scopes import describe

logger = logging.getLogger(__name__)


def _log_refusal(request: HttpRequest, response: HttpResponse, endpoint: str) -> HttpResponse:
    if response.status_code >= 400:
        client_id = request.POST.get("client_id", "") or request.GET.get("client_id", "")
        logger.warning("OIDC %s refused (%s) for client %s", endpoint, response.status_code, client_id[:100])
    return response


@signed_in
class AuthorizeView(oauth_views.AuthorizationView):
    """Authorization endpoint with the ENT's consent screen and remembered consents."""

    template_name = "openid/authorize.html"

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        if "error" in context:  # logged by error_response
            response: HttpResponse = super().render_to_response(context, **response_kwargs)
            return response
        application = context.get("application")
        if application is None:  # a consent form posted without the request's fields
            logger.warning("OIDC consent form refused: %s", context["form"].errors.as_json()[:200])
            refused: HttpResponse = super().render_to_response({"error": {"error": "invalid_request"}}, status=400)
            return refused
        scopes = list(context.get("scopes") or [])
        prompt = set(self.request.GET.get("prompt", "").split())
        if "consent" not in prompt and selectors.consent_covers(self.request.user, application.pk, scopes):
            form = AllowForm(data={**self.get_initial(), "allow": "on"})
            if form.is_valid():
                return self.form_valid(form)
        context["scope_descriptions"] = describe(scopes)
        response = super().render_to_response(context, **response_kwargs)
        # Browsers apply form-action to the redirect that follows the consent form: allow the client's origin.
        target = urlsplit(str(context.get("redirect_uri") or ""))
        if target.scheme and target.netloc:
            response._csp_update = {"form-action": [f"{target.scheme}://{target.netloc}"]}  # type: ignore[attr-defined]
        return response

    def form_valid(self, form: AllowForm) -> HttpResponse:
        response: HttpResponse = super().form_valid(form)
        data = form.cleaned_data
        location = response.get("Location", "")
        if data.get("allow") and response.status_code == 302 and "code=" in location:
            application = selectors.application_by_client_id(data["client_id"])
            if application is not None:
                services.consent_record(user=self.request.user, application=application, scopes=data["scope"].split())
        elif not data.get("allow"):
            logger.info("OIDC consent denied for client %s", str(data.get("client_id", ""))[:100])
        return response

    def error_response(self, error: Any, application: Any, **kwargs: Any) -> HttpResponse:
        logger.warning(
            "OIDC authorization refused: %s", getattr(getattr(error, "oauthlib_error", error), "error", error)
        )
        response: HttpResponse = super().error_response(error, application, **kwargs)
        return response


@public
class TokenView(oauth_views.TokenView):
    """Token endpoint: code (with its PKCE verifier) or refresh token for tokens; refusals logged."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return _log_refusal(request, super().post(request, *args, **kwargs), "token")


@public
class RevokeTokenView(oauth_views.RevokeTokenView):
    """Token revocation (RFC 7009) by the client that holds the token."""


@public
class UserInfoView(oauth_views.UserInfoView):
    """The person's claims for the scopes of the bearer token."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return _log_refusal(request, super().dispatch(request, *args, **kwargs), "userinfo")


@public
class DiscoveryView(oauth_views.ConnectDiscoveryInfoView):
    """The discovery document, at the issuer's ``/.well-known/openid-configuration``."""


@public
class JwksView(oauth_views.JwksInfoView):
    """The public keys: the signing key and the previous ones still published (rotation)."""
