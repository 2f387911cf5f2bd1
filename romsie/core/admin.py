"""What the operator's Django admin (``/operateur/``) shares: a read-only model page.

The platform operator (a superuser) sees territories, establishments and their admins there.
Writes that have a service (audit, version checks, activation codes) are not offered as edit
forms, which would bypass them: a page is read-only and its actions call the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest


class ReadOnlyModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # one base for every model
    """List, search and view a model; no add, edit or delete form (they would bypass the services)."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # The service-backed actions are for the operator only, even if a staff member may view.
        return super().get_actions(request) if request.user.is_superuser else {}
