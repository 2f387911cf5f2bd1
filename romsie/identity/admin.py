"""Territory admins and establishment admins in the operator's Django admin (``/operateur/``).

Read-only: a territory's first admin is created by ``manage.py territory_create``, establishment
admins (heads, digital leads) by the territory's admins in the ENT's administration pages, and
every one of them activates their account with a code. Edit forms here would bypass those
services (audit, activation codes), so the pages only list and show; the one write offered is
an action issuing a fresh activation code (``activation_codes_issue``) to an admin who lost theirs.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.admin import ReadOnlyModelAdmin

from . import services
from .models import Role, RoleAssignment, TerritoryAdmin, User


def _issue_codes(modeladmin: ReadOnlyModelAdmin, request: HttpRequest, users: list[User]) -> None:
    """Issue fresh activation codes (earlier unused ones are revoked) and show them once."""
    inactive = [u for u in users if not u.is_active]
    users = [u for u in users if u.is_active]
    scope = Scope(user_id=request.user.pk, is_operator=True)
    codes = services.activation_codes_issue(users=users, establishment=None, scope=scope) if users else {}
    for user in users:
        modeladmin.message_user(
            request,
            _("%(name)s: username %(username)s, activation code %(code)s")
            % {"name": user, "username": user.username, "code": services.format_code(codes[user.pk])},
            messages.SUCCESS,
        )
    for user in inactive:
        modeladmin.message_user(
            request, _("%(name)s: the account is deactivated, no code issued") % {"name": user}, messages.WARNING
        )


@admin.register(TerritoryAdmin)
class TerritoryAdminModelAdmin(ReadOnlyModelAdmin):
    """Who administers which territory (read-only; an action issues a new activation code)."""

    list_display = ("user", "username", "email", "territory", "is_activated")
    list_filter = ("territory__kind", "territory")
    search_fields = ("user__username", "user__last_name", "user__first_name", "user__email", "territory__name")
    list_select_related = ("user", "territory")
    ordering = ("territory__name", "user__last_name")
    actions = ("issue_codes",)

    @admin.display(description=_("username"), ordering="user__username")
    def username(self, link: TerritoryAdmin) -> str:
        return link.user.username

    @admin.display(description=_("e-mail"), ordering="user__email")
    def email(self, link: TerritoryAdmin) -> str:
        return link.user.email

    @admin.display(description=_("activated"), boolean=True)
    def is_activated(self, link: TerritoryAdmin) -> bool:
        return link.user.is_activated

    @admin.action(description=_("Issue a new activation code"))
    def issue_codes(self, request: HttpRequest, queryset: QuerySet[TerritoryAdmin]) -> None:
        _issue_codes(self, request, [link.user for link in queryset.select_related("user")])


class _EstablishmentAdminFilter(admin.SimpleListFilter):
    """Narrow the role assignments to establishment admins (heads and digital leads)."""

    title = _("establishment admins")
    parameter_name = "admins"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("yes", str(_("Heads and digital leads"))), ("no", str(_("Other roles")))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[RoleAssignment]) -> QuerySet[RoleAssignment]:
        admins = {"role": Role.STAFF, "function__in": sorted(services.ADMIN_FUNCTIONS)}
        if self.value() == "yes":
            return queryset.filter(**admins)
        if self.value() == "no":
            return queryset.exclude(**admins)
        return queryset


@admin.register(RoleAssignment)
class RoleAssignmentModelAdmin(ReadOnlyModelAdmin):
    """People's roles in establishments; filter "establishment admins" lists heads and digital leads."""

    list_display = ("user", "username", "establishment", "role", "function", "is_active")
    list_filter = (_EstablishmentAdminFilter, "role", "function", "is_active", "establishment__territory")
    search_fields = (
        "user__username",
        "user__last_name",
        "user__first_name",
        "establishment__uai",
        "establishment__name",
    )
    list_select_related = ("user", "establishment")
    ordering = ("establishment__name", "user__last_name")
    actions = ("issue_codes",)

    @admin.display(description=_("username"), ordering="user__username")
    def username(self, assignment: RoleAssignment) -> str:
        return assignment.user.username

    @admin.action(description=_("Issue a new activation code"))
    def issue_codes(self, request: HttpRequest, queryset: QuerySet[RoleAssignment]) -> None:
        users = {a.user_id: a.user for a in queryset.select_related("user")}
        _issue_codes(self, request, list(users.values()))
