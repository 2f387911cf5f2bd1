"""Who registers which CAS service, and which services a person may sign in to.

* A territory's CAS services are registered, changed and removed by that territory's admins
  only; another territory's service is a 404 to them, and nobody else sees the pages.
* A signed-in person gets a ticket for a service registered by the territory of their current
  establishment (the one the header shows), and for no other: a person of territory ``south``
  cannot sign in to a service only ``north`` registered.
* Validating a ticket needs no person: the ticket itself names them (see ``services``).
"""

from __future__ import annotations

from django.db.models import QuerySet

from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.establishments.models import Establishment, Territory

from .models import CasService


def administered_services(scope: Scope, territory: Territory) -> QuerySet[CasService]:
    """The CAS services of a territory the person administers (none otherwise)."""
    if territory.pk not in scope.territory_ids:
        return CasService.objects.none()
    return CasService.objects.filter(territory=territory).order_by("name", "pk")


def get_administered_service(scope: Scope, pk: int) -> CasService:
    """Return a CAS service of a territory the person administers, or raise 404."""
    return first_or_404(
        CasService.objects.filter(territory_id__in=scope.territory_ids, pk=pk).select_related("territory")
    )


def services_open_to(scope: Scope) -> QuerySet[CasService]:
    """The CAS services the person may sign in to: their current establishment's territory's."""
    if scope.user_id is None or scope.establishment_id is None:
        return CasService.objects.none()
    territory = Establishment.objects.filter(pk=scope.establishment_id).values("territory_id")
    return CasService.objects.filter(territory_id__in=territory).order_by("pk")
