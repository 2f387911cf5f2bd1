"""Territory administration: the territory's establishments, their administrators, its limits.

Reserved to territory admins (``@territory_admin``); an establishment or a territory
they do not administer is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.core.access.declarations import territory_admin
from romsie.core.access.middleware import forbidden
from romsie.core.access.scope import Scope, ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error
from romsie.establishments import access as establishments_access
from romsie.establishments import services
from romsie.establishments.forms import EstablishmentForm, TerritoryCeilingForm
from romsie.establishments.models import Establishment
from romsie.identity import services as identity_services
from romsie.identity.forms import EstablishmentAdminAppointForm, EstablishmentAdminCreateForm

from .. import access, selectors
from .base import no_store, posted


def _establishment(scope: Scope, pk: int) -> Establishment:
    return establishments_access.get_establishment(scope, pk)


def _render_establishment(
    request: ScopedRequest,
    pk: int,
    *,
    appoint_form: EstablishmentAdminAppointForm | None = None,
    create_form: EstablishmentAdminCreateForm | None = None,
) -> HttpResponse:
    scope = request.scope
    page = selectors.establishment_page(scope, pk)
    context = {
        "page": page,
        "establishment": page.establishment,
        "appoint_form": appoint_form
        or EstablishmentAdminAppointForm(prefix="appoint", candidates=access.territory_people(scope)),
        "create_form": create_form or EstablishmentAdminCreateForm(prefix="new"),
    }
    return render(request, "administration/establishment_detail.html", context)


@territory_admin
def territory_home(request: ScopedRequest) -> HttpResponse:
    """List the establishments of the administered territories with their number of people."""
    scope = request.scope
    page = Paginator(selectors.establishment_list_for_territory(scope), 50).get_page(request.GET.get("page"))
    territories = establishments_access.visible_territories(scope)
    return render(request, "administration/territory_home.html", {"page_obj": page, "territories": territories})


@territory_admin
def establishment_create(request: ScopedRequest) -> HttpResponse:
    """Create an establishment in one of the administered territories."""
    scope = request.scope
    form = EstablishmentForm(posted(request), scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            establishment = services.establishment_create(scope=scope, **form.cleaned_data)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Establishment created. Now appoint its administrators."))
            return redirect("administration:establishment-detail", establishment.pk)
    return render(request, "administration/territory_form.html", {"form": form, "title": _("New establishment")})


@territory_admin
def establishment_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """Show an establishment with its heads and digital leads."""
    return _render_establishment(request, pk)


@territory_admin
def establishment_update(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    establishment = _establishment(scope, pk)
    form = EstablishmentForm(posted(request), scope=scope, instance=establishment)
    if request.method == "POST" and form.is_valid():
        try:
            services.establishment_update(scope=scope, establishment=establishment, **form.cleaned_data)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("administration:establishment-detail", pk)
    title = _("Edit %(name)s") % {"name": establishment.name}
    return render(request, "administration/territory_form.html", {"form": form, "title": title})


@territory_admin
def establishment_deactivate(request: ScopedRequest, pk: int) -> HttpResponse:
    """Deactivate an establishment after confirmation: its people lose access to it."""
    scope = request.scope
    establishment = _establishment(scope, pk)
    if request.method == "POST":
        services.establishment_set_active(scope=scope, establishment=establishment, is_active=False)
        messages.success(request, _("The establishment is deactivated."))
        return redirect("administration:establishment-detail", pk)
    return render(request, "administration/establishment_confirm_deactivate.html", {"establishment": establishment})


@territory_admin
@require_POST
def establishment_reactivate(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    establishment = _establishment(scope, pk)
    services.establishment_set_active(scope=scope, establishment=establishment, is_active=True)
    messages.success(request, _("The establishment is active again."))
    return redirect("administration:establishment-detail", pk)


@territory_admin
@require_POST
def establishment_admin_appoint(request: ScopedRequest, pk: int) -> HttpResponse:
    """Appoint an existing person of the territory head or digital lead of the establishment."""
    scope = request.scope
    establishment = _establishment(scope, pk)
    form = EstablishmentAdminAppointForm(request.POST, prefix="appoint", candidates=access.territory_people(scope))
    if not form.is_valid() or form.person is None:
        return _render_establishment(request, pk, appoint_form=form)
    identity_services.establishment_admin_appoint(
        scope=scope, establishment=establishment, user=form.person, function=form.cleaned_data["function"]
    )
    messages.success(request, _("%(name)s is appointed.") % {"name": form.person.get_full_name()})
    return redirect("administration:establishment-detail", pk)


@territory_admin
@require_POST
def establishment_admin_create(request: ScopedRequest, pk: int) -> HttpResponse:
    """Create a new person as head or digital lead and show their activation code once."""
    scope = request.scope
    establishment = _establishment(scope, pk)
    form = EstablishmentAdminCreateForm(request.POST, prefix="new")
    if not form.is_valid():
        return _render_establishment(request, pk, create_form=form)
    person, code = identity_services.establishment_admin_create(
        scope=scope, establishment=establishment, **form.cleaned_data
    )
    context = {
        "establishment": establishment,
        "person": person,
        "formatted_code": identity_services.format_code(code),
    }
    return no_store(render(request, "administration/establishment_admin_code.html", context))


@territory_admin
@require_POST
def establishment_admin_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """End a head's or digital lead's appointment."""
    scope = request.scope
    assignment = access.get_establishment_admin(scope, pk)
    identity_services.establishment_admin_remove(scope=scope, assignment=assignment)
    messages.success(request, _("The appointment has ended."))
    return redirect("administration:establishment-detail", assignment.establishment_id)


@territory_admin
def territory_ceiling_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Choose which rights the territory's establishments may adjust, per role."""
    scope = request.scope
    territory = establishments_access.get_territory(scope, pk)
    form = TerritoryCeilingForm(posted(request), territory=territory, profiles=selectors.profile_choices())
    if request.method == "POST" and form.is_valid():
        try:
            services.territory_ceiling_set(
                scope=scope, territory=territory, ceiling=form.ceiling(), version=form.shown_version
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("administration:territory-home")
    return render(request, "administration/territory_ceiling_form.html", {"form": form, "territory": territory})


def _admin_account_refused(request: ScopedRequest) -> HttpResponse:
    return forbidden(request, _("This account is yours or an operator's: it cannot be managed from here."))


@territory_admin
def establishment_admin_sessions_end(request: ScopedRequest, pk: int) -> HttpResponse:
    """End every session of a head or digital lead, after confirmation."""
    scope = request.scope
    assignment = access.get_establishment_admin(scope, pk)
    if not access.territory_can_manage_account(scope, assignment.user):
        return _admin_account_refused(request)
    if request.method == "POST":
        identity_services.sessions_end(scope=scope, user=assignment.user)
        messages.success(request, _("The person's sessions have ended on every device."))
        return redirect("administration:establishment-detail", assignment.establishment_id)
    cancel_url = reverse("administration:establishment-detail", args=[assignment.establishment_id])
    context = {"person": assignment.user, "cancel_url": cancel_url}
    return render(request, "administration/person_confirm_sessions_end.html", context)


@territory_admin
def establishment_admin_second_factor_reset(request: ScopedRequest, pk: int) -> HttpResponse:
    """Remove a head's or digital lead's second factor (a lost phone), after confirmation."""
    scope = request.scope
    assignment = access.get_establishment_admin(scope, pk)
    if not access.territory_can_manage_account(scope, assignment.user):
        return _admin_account_refused(request)
    if request.method == "POST":
        identity_services.second_factor_reset(scope=scope, user=assignment.user)
        messages.success(request, _("The second factor is removed and the person's sessions have ended."))
        return redirect("administration:establishment-detail", assignment.establishment_id)
    cancel_url = reverse("administration:establishment-detail", args=[assignment.establishment_id])
    context = {"person": assignment.user, "cancel_url": cancel_url}
    return render(request, "administration/person_confirm_second_factor_reset.html", context)
