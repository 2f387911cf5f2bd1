"""Territories and establishments in the operator's Django admin (``/operateur/``), read-only.

Territories are created with ``manage.py territory_create`` (idempotent, with their first admin),
establishments with ``manage.py provision_feed --territory`` or by the territory's admins in the
ENT's own administration pages: those go through the services (UAI check, services switched on,
audit), so these pages offer no add or edit form. The operator may switch establishments off and
on with an action, which calls ``establishment_set_active``.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from romsie.core.access.scope import Scope
from romsie.core.admin import ReadOnlyModelAdmin

from . import services
from .models import Establishment, Territory


@admin.register(Territory)
class TerritoryModelAdmin(ReadOnlyModelAdmin):
    """The territories, with how many establishments and admins each has (read-only)."""

    list_display = ("name", "kind", "establishment_count", "admin_count")
    list_filter = ("kind",)
    search_fields = ("name",)
    fields = ("name", "kind", "habilitation_ceiling", "version")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Territory]:
        territories: QuerySet[Territory] = super().get_queryset(request)
        return territories.annotate(
            n_establishments=Count("establishments", distinct=True),
            n_admins=Count("admins", distinct=True),
        )

    @admin.display(description=_("establishments"), ordering="n_establishments")
    def establishment_count(self, territory: Territory) -> int:
        return int(getattr(territory, "n_establishments", 0))

    @admin.display(description=_("territory admins"), ordering="n_admins")
    def admin_count(self, territory: Territory) -> int:
        return int(getattr(territory, "n_admins", 0))


@admin.register(Establishment)
class EstablishmentModelAdmin(ReadOnlyModelAdmin):
    """The establishments of every territory (read-only; switched off and on by an action)."""

    list_display = ("uai", "name", "kind", "territory", "city", "is_active")
    list_filter = ("kind", "is_active", "territory")
    search_fields = ("uai", "name", "city", "territory__name")
    list_select_related = ("territory",)
    ordering = ("territory__name", "name")
    actions = ("deactivate", "reactivate")
    fields = (
        "territory", "uai", "name", "kind", "address", "postal_code", "city", "phone", "email", "is_active",
        "enabled_services", "habilitation_overrides", "version",
    )  # fmt: skip

    @admin.action(description=_("Switch the selected establishments off"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Establishment]) -> None:
        self._set_active(request, queryset, is_active=False)

    @admin.action(description=_("Switch the selected establishments back on"))
    def reactivate(self, request: HttpRequest, queryset: QuerySet[Establishment]) -> None:
        self._set_active(request, queryset, is_active=True)

    def _set_active(self, request: HttpRequest, queryset: QuerySet[Establishment], *, is_active: bool) -> None:
        chosen = list(queryset.exclude(is_active=is_active))
        scope = Scope(
            user_id=request.user.pk,
            is_operator=True,
            territory_ids=frozenset(e.territory_id for e in chosen),
        )
        for establishment in chosen:
            services.establishment_set_active(scope=scope, establishment=establishment, is_active=is_active)
        message = (
            ngettext("%(n)d establishment switched on.", "%(n)d establishments switched on.", len(chosen))
            if is_active
            else ngettext("%(n)d establishment switched off.", "%(n)d establishments switched off.", len(chosen))
        )
        self.message_user(request, message % {"n": len(chosen)}, messages.SUCCESS)
