"""Rendered HTML cached under version stamps: the one way to cache a part of a page.

A dashboard widget and the data part of a daily page (a week of lessons, the homework to
do, the news) are rendered once, then served from the cache until one of the version
stamps they were computed from moves (``romsie.core.versions``): a write anywhere bumps
its stamp, so the next view recomputes, at once. The time-out bounds what no write
announces (a scheduled publication that comes due, bulk imports that send no signal).

The key holds the person, the establishment, the language, the caller's ``stamp`` (the
versions, the date, the query parameters: everything the HTML depends on) and the
person's CSRF secret, so a cached form always posts with the current session's token.

    body = fragments.cached(request, "timetable-week", stamp, lambda: render_to_string(...))
"""

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .access.scope import ScopedRequest

FRAGMENT_CACHE_SECONDS = 60


def key(request: ScopedRequest, name: str, stamp: tuple[Any, ...]) -> str:
    """Return the cache key of the fragment ``name`` for this person, language and stamp."""
    scope = request.scope
    get_token(request)  # the CSRF secret exists from here on, and is part of the key
    secret = request.META.get("CSRF_COOKIE", "")
    digest = hashlib.sha256(repr((stamp, secret)).encode()).hexdigest()[:24]
    return f"romsie:fragment:{name}:{scope.user_id}:{scope.establishment_id}:{get_language()}:{digest}"


def cached_many(
    request: ScopedRequest, parts: list[tuple[str, tuple[Any, ...], Callable[[], str]]]
) -> list[SafeString]:
    """``cached`` for several fragments of one page: one round trip reads them all, one writes the missing ones."""
    keys = [key(request, name, stamp) for name, stamp, _render in parts]
    found = cache.get_many(keys)
    missing: dict[str, str] = {}
    html: list[SafeString] = []
    for name_key, (_name, _stamp, render) in zip(keys, parts, strict=True):
        text = found.get(name_key)
        if text is None:
            text = missing[name_key] = render()
        html.append(mark_safe(text))  # noqa: S308 (our own templates, rendered with autoescape)
    if missing:
        cache.set_many(missing, FRAGMENT_CACHE_SECONDS)
    return html


def cached(request: ScopedRequest, name: str, stamp: tuple[Any, ...], render: Callable[[], str]) -> SafeString:
    """Return the fragment from the cache, or render and keep it ("" is kept too: nothing to show)."""
    name_key = key(request, name, stamp)
    html: str | None = cache.get(name_key)
    if html is None:
        html = render()
        cache.set(name_key, html, FRAGMENT_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 (our own templates, rendered with autoescape)
