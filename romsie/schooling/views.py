"""Pages of the schooling app: the social features of students, per level and per stage."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from romsie.core.access.declarations import requires, territory_admin
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error
from romsie.establishments.access import get_current_establishment, get_territory

from . import selectors, services
from .forms import SocialTableForm
from .habilitations import SchoolingHabilitation


def _posted(request: ScopedRequest) -> object:
    return request.POST if request.method == "POST" else None


@requires(SchoolingHabilitation.MANAGE_SOCIAL)
def social_settings(request: ScopedRequest) -> HttpResponse:
    """Switch each social feature on or off for the students of each level, within the territory's ceiling."""
    scope = request.scope
    establishment = get_current_establishment(scope)
    settings_row, rows = selectors.establishment_social(establishment)
    form = SocialTableForm(_posted(request), rows=rows, edited=settings_row)
    if request.method == "POST" and form.is_valid():
        try:
            services.social_switches_set(scope=scope, enabled=form.ticked(), version=form.shown_version)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Saved. The students' pages change at once."))
            return redirect("schooling:social-settings")
    context = {"form": form, "establishment": establishment, "any_closed": any(c.closed for r in rows for c in r.cells)}
    return render(request, "schooling/social_settings.html", context)


@territory_admin
def social_ceiling(request: ScopedRequest, pk: int) -> HttpResponse:
    """Choose which social features the territory's establishments may switch on, per stage."""
    scope = request.scope
    territory = get_territory(scope, pk)
    ceiling, rows = selectors.territory_social(territory)
    form = SocialTableForm(_posted(request), rows=rows, edited=ceiling)
    if request.method == "POST" and form.is_valid():
        try:
            services.social_ceiling_set(
                scope=scope, territory=territory, allowed=form.ticked(), version=form.shown_version
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Saved. The establishments' students' pages change at once."))
            return redirect("schooling:social-ceiling", pk=territory.pk)
    return render(request, "schooling/social_ceiling.html", {"form": form, "territory": territory})
