"""The CAS protocol's endpoints (``/cas/login``, validation, ``/cas/logout``) and the territory's registrations.

The protocol endpoints are ``@public``: ``login`` sends an anonymous visitor to the ENT's own
sign-in page itself, and the validation endpoints are called by the services' servers, with
the ticket as their only credential. An unknown or refused ``service`` gets a page saying so,
never a redirect (no open redirect).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from romsie.core.access.declarations import public, territory_admin
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error
from romsie.establishments import access as establishments_access

from . import access, forms, protocol, selectors, services

# Set when the person is sent to the sign-in page: a ticket issued after a sign-in made later
# comes "from a new login" (what ``renew`` asks for).
SESSION_SENT_TO_SIGN_IN = "cas_sent_to_sign_in"
XML = "text/xml; charset=utf-8"


def _flag(value: str | None) -> bool:
    return value is not None and value.lower() not in ("", "false", "0")


def _refuse_service(request: HttpRequest, service_url: str) -> HttpResponse:
    context = {"service_url": service_url[:200]}
    return render(request, "cas/unknown_service.html", context, status=400)


def _send_to_sign_in(request: HttpRequest) -> HttpResponse:
    request.session[SESSION_SENT_TO_SIGN_IN] = timezone.now().isoformat()
    return redirect_to_login(request.get_full_path())


def _just_signed_in(request: ScopedRequest) -> bool:
    sent = request.session.pop(SESSION_SENT_TO_SIGN_IN, None)
    last_login = request.user.last_login
    if not sent or last_login is None:
        return False
    try:
        return last_login >= datetime.fromisoformat(sent)
    except ValueError:
        return False


@public
@require_GET
def login(request: ScopedRequest) -> HttpResponse:
    """Credential requestor: a signed-in person goes back to the service with a service ticket."""
    service_url = request.GET.get("service", "")
    renew, gateway = _flag(request.GET.get("renew")), _flag(request.GET.get("gateway"))
    signed_in = request.user.is_authenticated
    if not service_url:  # nothing to go back to: the ENT itself
        return redirect("core:dashboard") if signed_in else _send_to_sign_in(request)
    if not signed_in:
        if selectors.service_anywhere(service_url) is None:
            return _refuse_service(request, service_url)
        if gateway and not renew:
            return HttpResponseRedirect(service_url)
        return _send_to_sign_in(request)
    service = selectors.service_for_person(request.scope, service_url)
    if service is None:
        return _refuse_service(request, service_url)
    fresh = _just_signed_in(request)
    if renew and not fresh:
        auth_logout(request)
        return _send_to_sign_in(request)
    ticket = services.ticket_issue(
        scope=request.scope,
        user=request.user,
        service=service,
        service_url=service_url,
        session_key=request.session.session_key or "",
        from_new_login=fresh,
    )
    return HttpResponseRedirect(protocol.with_ticket(service_url, ticket.ticket))


def _validation(request: HttpRequest) -> services.Validation:
    return services.ticket_validate(
        ticket=request.GET.get("ticket", ""),
        service_url=request.GET.get("service", ""),
        renew=_flag(request.GET.get("renew")),
    )


@public
@require_GET
def validate(request: HttpRequest) -> HttpResponse:
    """CAS 1.0 validation: ``yes`` and the username, or ``no``."""
    outcome = _validation(request)
    body = f"yes\n{outcome.user}\n" if outcome.ok else "no\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


def _xml_answer(outcome: services.Validation) -> HttpResponse:
    if outcome.ok:
        return HttpResponse(protocol.success_xml(outcome.user, outcome.attributes or {}), content_type=XML)
    return HttpResponse(protocol.failure_xml(outcome.code, outcome.message), content_type=XML)


@public
@require_GET
def service_validate(request: HttpRequest) -> HttpResponse:
    """CAS 2.0 validation (XML); the service's released attributes are included, as most servers do."""
    return _xml_answer(_validation(request))


@public
@require_GET
def p3_service_validate(request: HttpRequest) -> HttpResponse:
    """CAS 3.0 validation (XML with ``<cas:attributes>``)."""
    return _xml_answer(_validation(request))


@public
def logout(request: ScopedRequest) -> HttpResponse:
    """Sign out of the ENT (POST, from the confirmation page) and, with single logout, of the services.

    The ``service`` address is followed afterwards only if a territory registered it.
    """
    service_url = request.POST.get("service") or request.GET.get("service", "")
    known = selectors.service_anywhere(service_url) if service_url else None
    if request.method == "POST":
        if request.user.is_authenticated:
            auth_logout(request)  # single logout follows (services.signed_out)
        if known is not None:
            return HttpResponseRedirect(service_url)
        return redirect("identity:sign-in")
    if not request.user.is_authenticated and known is not None:
        return HttpResponseRedirect(service_url)
    context = {"service_url": service_url if known is not None else "", "signed_in": request.user.is_authenticated}
    return render(request, "cas/logout.html", context)


@territory_admin
def service_list(request: ScopedRequest, pk: int) -> HttpResponse:
    """A territory's CAS services, with the addresses of the CAS server to give their vendors."""
    territory = establishments_access.get_territory(request.scope, pk)
    context = {
        "territory": territory,
        "services": selectors.service_list(request.scope, territory),
        "attribute_labels": protocol.ATTRIBUTES,
        "cas_base": request.build_absolute_uri("/cas/"),
    }
    return render(request, "cas/service_list.html", context)


@territory_admin
def service_create(request: ScopedRequest, pk: int) -> HttpResponse:
    """Register a CAS service for a territory."""
    scope = request.scope
    territory = establishments_access.get_territory(scope, pk)
    form = forms.ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_create(scope=scope, territory=territory, data=form.service_data())
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The CAS service is registered."))
            return redirect("cas:service-list", territory.pk)
    context = {"form": form, "territory": territory, "title": _("New CAS service")}
    return render(request, "cas/service_form.html", context)


@territory_admin
def service_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change a registered CAS service."""
    scope = request.scope
    service = access.get_administered_service(scope, pk)
    form = forms.ServiceForm(request.POST or None, service=service)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_update(scope=scope, service=service, data=form.service_data(), version=form.shown_version)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The CAS service is saved."))
            return redirect("cas:service-list", service.territory_id)
    context = {"form": form, "territory": service.territory, "service": service, "title": service.name}
    return render(request, "cas/service_form.html", context)


@territory_admin
def service_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Remove a registered CAS service, after a confirmation."""
    scope = request.scope
    service = access.get_administered_service(scope, pk)
    if request.method == "POST":
        services.service_delete(scope=scope, service=service)
        messages.success(request, _("The CAS service is removed."))
        return redirect("cas:service-list", service.territory_id)
    return render(request, "cas/service_delete.html", {"service": service, "territory": service.territory})
