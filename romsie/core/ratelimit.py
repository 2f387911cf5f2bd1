"""A fixed-window request counter in the cache (a limit per token, per address...).

Each key gets a counter per window of ``window_seconds``; a request past ``limit`` within the
window is refused with the seconds left until the next window. The cache being unreachable
(``core.cache_backends.FailSafeRedisCache`` answers like a missing key) lets the request
through: an outage costs the limit, never a page.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def hit(key: str, *, limit: int, window_seconds: int) -> int:
    """Count one request under ``key``; return 0 when allowed, else the seconds to wait."""
    now = int(time.time())
    window = now // window_seconds
    cache_key = f"romsie:rate:{key}:{window}"
    try:
        cache.add(cache_key, 0, window_seconds + 1)
        count = cache.incr(cache_key)
    except ValueError:
        # The key is not there: the cache is unreachable, or it evicted the key between add and incr.
        return 0
    if count > limit:
        return max(1, (window + 1) * window_seconds - now)
    return 0
