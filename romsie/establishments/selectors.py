"""Reads of the establishments app."""

from django.core.cache import cache

from romsie.core import versions
from romsie.core.access.scope import Scope

from . import access
from .models import Establishment

CACHE_SECONDS = 300


def establishment_for_scope(scope: Scope) -> Establishment:
    """Return the current establishment with its territory (cached until either changes)."""
    assert scope.establishment is not None
    stamp = versions.stamp(
        versions.key(versions.Kind.ESTABLISHMENT, scope.establishment.id),
        versions.key(versions.Kind.TERRITORY, scope.establishment.territory_id),
    )
    cache_key = f"romsie:establishment:{scope.establishment.id}"
    cached = cache.get(cache_key)
    if cached is not None and cached[0] == stamp:
        return cached[1]  # type: ignore[no-any-return]
    establishment = access.get_current_establishment(scope)
    cache.set(cache_key, (stamp, establishment), CACHE_SECONDS)
    return establishment
