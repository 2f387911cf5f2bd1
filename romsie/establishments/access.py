"""Who sees which establishment.

* A person sees the establishments where they hold a role (already in their scope).
* A territory admin sees every establishment of the territories they administer.
* Anything else is not found.
"""

from django.db.models import QuerySet

from romsie.core.access import catalogue
from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope

from .models import Establishment, Territory


def visible_territories(scope: Scope) -> QuerySet[Territory]:
    """Return the territories the scope administers."""
    return Territory.objects.filter(pk__in=scope.territory_ids)


def visible_establishments(scope: Scope) -> QuerySet[Establishment]:
    """Return the establishments the scope may administer as a territory admin."""
    return Establishment.objects.filter(territory_id__in=scope.territory_ids).select_related("territory")


def get_current_establishment(scope: Scope) -> Establishment:
    """Return the scope's current establishment, or raise 404 when there is none."""
    return first_or_404(Establishment.objects.select_related("territory").filter(pk=scope.establishment_id))


def get_establishment(scope: Scope, establishment_id: int) -> Establishment:
    """Return one establishment a territory admin administers, or raise 404."""
    return first_or_404(visible_establishments(scope).filter(pk=establishment_id))


def get_territory(scope: Scope, territory_id: int) -> Territory:
    """Return one territory the scope administers, or raise 404."""
    return first_or_404(visible_territories(scope).filter(pk=territory_id))


def adjustable_habilitations(territory: Territory) -> dict[str, frozenset[str]]:
    """Return, per profile, the habilitations its establishments may switch on or off.

    The territory's ceiling when it set one, otherwise what the catalogue marks
    adjustable: the same rule as ``catalogue.effective_habilitations``.
    """
    ceiling = territory.habilitation_ceiling or catalogue.default_ceiling()
    return {profile: frozenset(keys) for profile, keys in ceiling.items()}
