"""Our SAML service provider's pages, and the territory admins' list of identity providers.

``metadata``, ``login`` and ``acs`` are public: the sign-in itself. The request id of a sign-in
started here travels in a signed, HttpOnly cookie limited to ``/saml/`` (SameSite=None and
Secure, since the identity provider posts its answer from its own site): only the browser that
started the sign-in can finish it, and nothing is stored on the server for a visitor.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from romsie.core.access.declarations import public, territory_admin
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error
from romsie.identity.signin import follow_language, sign_in_known_person
from romsie.identity.throttling import client_ip

from . import access, protocol, selectors, services
from .forms import ProviderForm
from .models import IdentityProvider

logger = logging.getLogger(__name__)

REQUEST_COOKIE = "romsie_saml_request"
REQUEST_SALT = "romsie.saml.request"
#: How long a person has to sign in at the identity provider.
REQUEST_MAX_AGE = 15 * 60


def _refused(request: HttpRequest, error: ApplicationError, provider: IdentityProvider | None = None) -> HttpResponse:
    logger.warning(
        "SAML sign-in refused: %s (provider %s, address %s)",
        error.extra.get("reason", "?"),
        provider.slug if provider else "-",
        client_ip(request),
    )
    response = render(request, "saml/refused.html", {"message": error.message}, status=403)
    response.delete_cookie(REQUEST_COOKIE, path="/saml/")
    return response


@public
@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    """Our metadata, signed with our key, for the identity providers to register us."""
    if not protocol.is_configured():
        raise Http404
    return HttpResponse(protocol.sp_metadata(), content_type="application/samlmetadata+xml")


@public
@require_GET
@never_cache
def login(request: HttpRequest, idp: str) -> HttpResponse:
    """Send the browser to the identity provider with a signed AuthnRequest (HTTP-Redirect)."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    if not protocol.is_configured():
        raise Http404
    provider = access.get_enabled_provider(idp)
    request_id, location = protocol.authn_request(provider)
    following = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(following, allowed_hosts={request.get_host()}, require_https=False):
        following = ""
    response = HttpResponseRedirect(location)
    response.set_cookie(
        REQUEST_COOKIE,
        signing.dumps({"id": request_id, "idp": provider.pk, "next": following}, salt=REQUEST_SALT),
        max_age=REQUEST_MAX_AGE,
        path="/saml/",
        # The provider posts its answer from its own site: only a SameSite=None cookie comes
        # back with it, and browsers keep those only when Secure (HTTPS, or this machine).
        secure=True,
        httponly=True,
        samesite="None",
    )
    return response


def _started_here(request: HttpRequest) -> dict[str, object]:
    try:
        state = signing.loads(request.COOKIES.get(REQUEST_COOKIE, ""), salt=REQUEST_SALT, max_age=REQUEST_MAX_AGE)
    except signing.BadSignature:
        return {}
    return state if isinstance(state, dict) else {}


def _provider_for(issuer: str, started: dict[str, object]) -> IdentityProvider:
    candidates = access.providers_for_entity(issuer)
    if started:
        # An answer to our request: from the provider it went to, and no other.
        chosen = [p for p in candidates if p.pk == started.get("idp")]
        if not chosen:
            raise protocol.refusal("other-provider")
        return chosen[0]
    unsolicited = [p for p in candidates if p.allow_unsolicited]
    if len(unsolicited) != 1:
        raise protocol.refusal("unsolicited" if candidates else "unknown-provider")
    return unsolicited[0]


@public
@csrf_exempt  # posted by the identity provider's page; the signed response is the proof
@require_POST
@never_cache
def acs(request: HttpRequest) -> HttpResponse:
    """The assertion consumer service (HTTP-POST): verify the answer, sign the person in or refuse."""
    if not protocol.is_configured():
        raise Http404
    encoded = request.POST.get("SAMLResponse", "")
    started = _started_here(request)
    provider: IdentityProvider | None = None
    try:
        issuer = protocol.response_issuer(encoded)
        provider = _provider_for(issuer, started)
        outstanding = {str(started["id"]): str(started.get("next", ""))} if started else {}
        assertion = protocol.verify_response(provider, encoded, outstanding)
        person = services.assertion_accept(provider=provider, assertion=assertion)
    except ApplicationError as error:
        return _refused(request, error, provider)
    sign_in_known_person(request, person)
    logger.info("SAML sign-in of person %s through %s", person.pk, provider.slug)
    response = HttpResponseRedirect(str(started.get("next") or "") or resolve_url(settings.LOGIN_REDIRECT_URL))
    follow_language(response, person)
    response.delete_cookie(REQUEST_COOKIE, path="/saml/")
    return response


@territory_admin
def provider_list(request: ScopedRequest) -> HttpResponse:
    """The identity providers of the administered territories."""
    providers = selectors.provider_list_for_admin(request.scope)
    context = {"providers": providers, "configured": protocol.is_configured(), "sp_entity_id": protocol.sp_entity_id()}
    return render(request, "saml/provider_list.html", context)


@territory_admin
def provider_create(request: ScopedRequest) -> HttpResponse:
    """Register an identity provider."""
    return _provider_form(request, None)


@territory_admin
def provider_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change an identity provider (its metadata, its mapping, its button)."""
    return _provider_form(request, pk)


def _provider_form(request: ScopedRequest, pk: int | None) -> HttpResponse:
    scope = request.scope
    provider = access.get_managed_provider(scope, pk) if pk is not None else None
    data = request.POST if request.method == "POST" else None
    form = ProviderForm(data, request.FILES or None, instance=provider, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_save(
                scope=scope,
                provider=provider,
                version=form.shown_version,
                territory=form.cleaned_data["territory"],
                metadata_xml=form.cleaned_data["metadata_xml"],
                **form.provider_fields(),
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The identity provider is saved."))
            return redirect("saml:provider-list")
    return render(request, "saml/provider_form.html", {"form": form, "provider": provider})


@territory_admin
@require_POST
def provider_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Remove an identity provider."""
    scope = request.scope
    services.provider_delete(scope=scope, provider=access.get_managed_provider(scope, pk))
    messages.success(request, _("The identity provider is removed."))
    return redirect("saml:provider-list")
