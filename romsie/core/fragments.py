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
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .access.scope import ScopedRequest

FRAGMENT_CACHE_SECONDS = 60
#: how long the claim of a request computing missing fragments lasts if it is never given up
#: (a worker killed meanwhile); a request gives it up as soon as it is done or failed
COMPUTING_SECONDS = 10
#: how long another request of the same person waits for those fragments before computing them itself
WAIT_FOR_ANOTHER_SECONDS = 3.0
_LOOK_EVERY_SECONDS = 0.01


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
    """``cached`` for several fragments of one page: one round trip reads them all, one writes the missing ones.

    When some are missing and another request of the same person is computing the same ones
    (a page reloaded while it was slow, several tabs opened at once), this one waits for its
    result rather than computing it a second time: see :func:`_wait_for_another`.
    """
    keys = [key(request, name, stamp) for name, stamp, _render in parts]
    found: dict[str, str] = cache.get_many(keys)
    absent = [name_key for name_key in keys if name_key not in found]
    claim = ""
    if absent:
        claim = _claim_key(absent)
        if not cache.add(claim, 1, COMPUTING_SECONDS):
            found.update(_wait_for_another(claim, absent))
            claim = ""  # another request's
    missing: dict[str, str] = {}
    html: list[SafeString] = []
    try:
        for name_key, (_name, _stamp, render) in zip(keys, parts, strict=True):
            text = found.get(name_key)
            if text is None:
                text = missing[name_key] = render()
            html.append(mark_safe(text))  # noqa: S308 (our own templates, rendered with autoescape)
        if missing:
            cache.set_many(missing, FRAGMENT_CACHE_SECONDS)
    finally:
        if claim:
            cache.delete(claim)  # done or failed: the others stop waiting (and compute what is still missing)
    return html


def cached(request: ScopedRequest, name: str, stamp: tuple[Any, ...], render: Callable[[], str]) -> SafeString:
    """Return the fragment from the cache, or render and keep it ("" is kept too: nothing to show)."""
    return cached_many(request, [(name, stamp, render)])[0]


def _claim_key(absent: list[str]) -> str:
    """The key a request adds while it computes these fragments (the same set for the same person and stamps)."""
    return "romsie:fragment-computing:" + hashlib.sha256("|".join(sorted(absent)).encode()).hexdigest()[:32]


def _wait_for_another(claim: str, absent: list[str]) -> dict[str, str]:
    """Wait while another request computes the ``absent`` fragments; return those it stored.

    Stops as soon as all are stored, or the other request gave up its claim (done, or failed:
    what is still absent is then computed here), or after ``WAIT_FOR_ANOTHER_SECONDS``. Each
    look is one cache round trip. With the cache out of reach nothing is ever claimed: the
    first look finds no claim and the request computes at once.
    """
    deadline = time.monotonic() + WAIT_FOR_ANOTHER_SECONDS
    found: dict[str, str] = {}
    while True:
        seen = cache.get_many([*absent, claim])
        found = {name_key: seen[name_key] for name_key in absent if name_key in seen}
        if len(found) == len(absent) or claim not in seen or time.monotonic() >= deadline:
            return found
        time.sleep(_LOOK_EVERY_SECONDS)
