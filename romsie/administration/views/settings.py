"""The establishment's settings: services switched on and the rights of each role."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error
from romsie.establishments import services
from romsie.establishments.access import get_current_establishment
from romsie.establishments.forms import EnabledServicesForm, HabilitationOverridesForm
from romsie.establishments.habilitations import EstablishmentHabilitation
from romsie.identity.habilitations import IdentityHabilitation

from .. import selectors
from .base import posted


@requires(EstablishmentHabilitation.ADMINISTER)
def services_update(request: ScopedRequest) -> HttpResponse:
    """Switch the establishment's services on or off."""
    scope = request.scope
    establishment = get_current_establishment(scope)
    form = EnabledServicesForm(
        posted(request), edited=establishment, initial={"services": establishment.enabled_services}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.establishment_services_set(
                scope=scope, services=form.cleaned_data["services"], version=form.shown_version
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Saved. The menu changes at everyone's next page."))
            return redirect("administration:services-update")
    return render(request, "administration/services_form.html", {"form": form})


@requires(IdentityHabilitation.MANAGE_HABILITATIONS)
def habilitations_update(request: ScopedRequest) -> HttpResponse:
    """Show every role's rights; those the territory lets the establishment adjust are editable."""
    scope = request.scope
    establishment = get_current_establishment(scope)
    form = HabilitationOverridesForm(posted(request), establishment=establishment, profiles=selectors.profile_choices())
    if request.method == "POST" and form.is_valid():
        try:
            services.habilitation_overrides_set(scope=scope, overrides=form.overrides(), version=form.shown_version)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Saved. The new rights apply at everyone's next page."))
            return redirect("administration:habilitations-update")
    return render(request, "administration/habilitations_form.html", {"form": form, "rights": form.rights()})
