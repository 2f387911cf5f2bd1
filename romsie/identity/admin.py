"""Territory admins and establishment admins in the operator's Django admin (``/operateur/``).

Read-only: a territory's first admin is created by ``manage.py territory_create``, establishment
admins (heads, digital leads) by the territory's admins in the ENT's administration pages, and
every one of them activates their account with a code. Edit forms here would bypass those
services (audit, activation codes), so the pages only list and show. The writes offered go
through the services: an action issuing a fresh activation code (``activation_codes_issue``) to
an admin who lost theirs, and a page adding an admin to an existing territory
(``territory_admin_create``, the service ``territory_create`` uses for the first one).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from romsie.core.access.scope import Scope
from romsie.core.admin import ReadOnlyModelAdmin
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error
from romsie.core.ids import parse_id

from . import services
from .forms import TerritoryAdminAddForm
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

    def get_urls(self) -> list[URLPattern]:
        # Before the model's own URLs, whose "<object_id>/" would take this path.
        view = self.admin_site.admin_view(self.add_admin_view)
        add_admin = path("ajouter/", view, name="identity_territoryadmin_add_admin")
        return [add_admin, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        context = {**(extra_context or {}), "can_add_territory_admin": request.user.is_superuser}
        return super().changelist_view(request, context)

    def add_admin_view(self, request: HttpRequest) -> HttpResponse:
        """Add an admin to an existing territory: a new person with an activation code (operator only).

        The code is shown once here, or e-mailed when an address is given (then nothing is
        written if the mail cannot be sent), as ``manage.py territory_create`` does for the first.
        """
        if not request.user.is_superuser:
            raise PermissionDenied
        initial = {"territory": parse_id(request.GET.get("territoire"))}
        form = TerritoryAdminAddForm(request.POST if request.method == "POST" else None, initial=initial)
        if form.is_valid():
            data = form.cleaned_data
            territory = data["territory"]
            try:
                user, code = services.territory_admin_create(
                    scope=Scope(user_id=request.user.pk, is_operator=True, territory_ids=frozenset({territory.pk})),
                    territory=territory,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    mail_code=bool(data["email"]),
                )
            except ApplicationError as error:
                show_error(request, error, form)
            else:
                self._say_added(request, user, code, emailed=bool(data["email"]))
                changelist = reverse("admin:identity_territoryadmin_changelist")
                return redirect(f"{changelist}?territory__id__exact={territory.pk}")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Add a territory admin"),
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/identity/territoryadmin/add_admin.html", context)

    def _say_added(self, request: HttpRequest, user: User, code: str, *, emailed: bool) -> None:
        values = {"name": user, "username": user.username, "code": services.format_code(code), "email": user.email}
        if emailed:
            message = _("%(name)s added: username %(username)s, activation code e-mailed to %(email)s")
        else:
            message = _("%(name)s added: username %(username)s, activation code %(code)s")
        self.message_user(request, message % values, messages.SUCCESS)


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


def _sign_in_through_the_ent(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The console's own sign-in form would skip the second factor: send operators to the ENT's sign-in.

    A signed-in person who is not an operator is refused (403) rather than sent back and forth.
    """
    if request.user.is_authenticated:
        raise PermissionDenied
    target = request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(target, login_url=reverse("identity:sign-in"))


admin.site.login = _sign_in_through_the_ent  # type: ignore[method-assign]

# django-otp's pages would show operators every person's TOTP secret (and its QR code) and let
# them edit devices outside the audited services: not in the console. An administrator resets a
# lost second factor from the person's page instead (docs/second-factor.md).
for _otp_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_otp_model):
        admin.site.unregister(_otp_model)
