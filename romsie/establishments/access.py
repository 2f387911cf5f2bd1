"""Who sees which establishment.

* A person sees the establishments where they hold a role (already in their scope).
* A territory admin sees every establishment of the territories they administer.
* Anything else is not found.
"""

from django.db.models import QuerySet

from romsie.core.access.scope import Scope

from .models import Establishment, Territory


def visible_territories(scope: Scope) -> QuerySet[Territory]:
    """Return the territories the scope administers."""
    return Territory.objects.filter(pk__in=scope.territory_ids)


def visible_establishments(scope: Scope) -> QuerySet[Establishment]:
    """Return the establishments the scope may administer as a territory admin."""
    return Establishment.objects.filter(territory_id__in=scope.territory_ids).select_related("territory")


def get_current_establishment(scope: Scope) -> Establishment:
    """Return the scope's current establishment (raises DoesNotExist when there is none)."""
    return Establishment.objects.select_related("territory").get(pk=scope.establishment_id)
