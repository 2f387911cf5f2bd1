"""Version stamps for cached per-person data.

Cached values (a person's scope, an establishment's facts) are stored with the version
numbers of what they were computed from; a write bumps the version, so the next read
recomputes. The cache's time-out bounds staleness for writes that bypass the bumps
(bulk updates), and a lost cache only costs recomputation.
"""

from django.core.cache import cache

FOREVER = None


def key(kind: str, pk: int | None) -> str:
    return f"romsie:version:{kind}:{pk}"


def stamp(*keys: str) -> tuple[int, ...]:
    """Return the current versions of ``keys`` (0 for one never bumped), in one round trip."""
    found = cache.get_many(keys)
    return tuple(int(found.get(k, 0)) for k in keys)


def bump(kind: str, pk: int | None) -> None:
    """Invalidate every cached value computed from the object ``kind:pk``."""
    name = key(kind, pk)
    try:
        cache.incr(name)
    except ValueError:
        cache.set(name, 1, FOREVER)
