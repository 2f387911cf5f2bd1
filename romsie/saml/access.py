"""Who sees and manages the identity providers.

* An identity provider belongs to a territory; its territory admins alone list, register,
  edit and delete it (``@territory_admin``); another territory's provider is a 404 to them.
* Anybody (signed in or not) sees the enabled providers as buttons of the sign-in page, and
  may start a sign-in through one of them.
"""

from __future__ import annotations

from django.db.models import QuerySet

from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope

from .models import IdentityProvider


def managed_providers(scope: Scope) -> QuerySet[IdentityProvider]:
    """Return the identity providers of the territories the person administers."""
    return IdentityProvider.objects.filter(territory_id__in=scope.territory_ids).select_related("territory")


def get_managed_provider(scope: Scope, pk: int) -> IdentityProvider:
    """Return one identity provider of the person's territories, or raise 404."""
    return first_or_404(managed_providers(scope).filter(pk=pk))


def enabled_providers() -> QuerySet[IdentityProvider]:
    """Return the providers shown on the sign-in page (public)."""
    return IdentityProvider.objects.filter(is_enabled=True).select_related("territory")


def get_enabled_provider(slug: str) -> IdentityProvider:
    """Return the enabled provider named ``slug`` in the addresses, or raise 404."""
    return first_or_404(enabled_providers().filter(slug=slug))


def providers_for_entity(entity_id: str) -> list[IdentityProvider]:
    """Return the enabled providers registered with this entity ID (one per territory at most)."""
    return list(enabled_providers().filter(entity_id=entity_id)[:10])
