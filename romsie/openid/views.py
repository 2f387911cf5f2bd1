"""Pages of the OpenID Connect provider: the territory's clients, a person's connected applications."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from romsie.core.access.declarations import signed_in, territory_admin
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error

from . import access, selectors, services
from .forms import ClientEditForm, ClientForm
from .scopes import describe


@territory_admin
def client_list(request: ScopedRequest) -> HttpResponse:
    """The OpenID Connect clients of the territories one administers."""
    clients = [(client, describe(client.scopes)) for client in selectors.client_list(request.scope)]
    return render(request, "openid/client_list.html", {"clients": clients})


@territory_admin
@never_cache
def client_create(request: ScopedRequest) -> HttpResponse:
    """Register a client; its secret is shown once, on the page that answers the form."""
    scope = request.scope
    form = ClientForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.client_create(
                scope=scope,
                territory=data["territory"],
                name=data["name"],
                redirect_uris=data["redirect_uris"],
                scopes=data["scopes"],
                confidential=data["confidential"],
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            context = {"registration": created.registration, "secret": created.secret}
            return render(request, "openid/client_created.html", context)
    return render(request, "openid/client_form.html", {"form": form})


@territory_admin
@never_cache
def client_edit(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change a client's name, redirect URIs or scopes; its id and secret stay."""
    registration = access.get_client(request.scope, pk)
    form = ClientEditForm(request.POST or None, edited=registration)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.client_update(
                scope=request.scope,
                registration=registration,
                version=form.shown_version,
                name=data["name"],
                redirect_uris=data["redirect_uris"],
                scopes=data["scopes"],
            )
        except ApplicationError as error:  # a stale edit too: the other admin's version is shown
            show_error(request, error, form)
        else:
            messages.success(request, _("The client is saved."))
            return redirect("openid:client-list")
    return render(request, "openid/client_form.html", {"form": form, "registration": registration})


@territory_admin
@require_POST
def client_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Remove a client: its tokens and people's consents go with it."""
    registration = access.get_client(request.scope, pk)
    services.client_delete(scope=request.scope, registration=registration)
    messages.success(request, _("The client is removed; its tokens no longer work."))
    return redirect("openid:client-list")


@signed_in
def connected_apps(request: ScopedRequest) -> HttpResponse:
    """The applications the person allowed to sign them in or read their data."""
    return render(request, "openid/connected_apps.html", {"apps": selectors.connected_apps(request.user)})


@signed_in
@require_POST
def connected_app_revoke(request: ScopedRequest, pk: int) -> HttpResponse:
    """Disconnect an application: its tokens stop working and it must ask again."""
    consent = access.get_consent(request.user, pk)
    services.consent_revoke(user=request.user, consent=consent)
    messages.success(request, _("The application is disconnected."))
    return redirect("openid:connected-apps")
