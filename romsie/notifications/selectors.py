"""Reads of notifications: the timeline, the unread badge, a person's preferences and quiet hours."""

from __future__ import annotations

from django.core.cache import cache

from romsie.core.pagination import KeysetPage, keyset_page

from .access import visible_notifications
from .kinds import kinds
from .models import Notification, NotificationPreference, QuietHours

UNREAD_CACHE_SECONDS = 120
UNREAD_CAP = 100  # the badge says "99+" beyond; counting stops there


def unread_key(user_id: int) -> str:
    """Return the cache key of the person's unread count (dropped by ``services.forget_unread_counts``)."""
    return f"romsie:notifications:unread:{user_id}"


def unread_count(user_id: int) -> int:
    """Return how many unread notifications the person has (at most ``UNREAD_CAP``), cached.

    The count is dropped from the cache when the person is notified or reads; the time-out
    bounds staleness in the rare race of a count computed while a notification commits.
    """
    key = unread_key(user_id)
    count = cache.get(key)
    if count is None:
        count = visible_notifications(user_id).filter(read_at__isnull=True)[:UNREAD_CAP].count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return int(count)


def timeline_for(user_id: int, *, cursor: str = "", size: int = 30) -> KeysetPage[Notification]:
    """Return a page of the person's notifications with keyset pagination (constant cost)."""
    entries = visible_notifications(user_id).select_related("actor")
    return keyset_page(entries, time_field="created_at", cursor=cursor, size=size)


def quiet_hours_get(user_id: int) -> QuietHours | None:
    """Return the person's quiet hours, or None when they have none."""
    return QuietHours.objects.filter(user_id=user_id).first()


def held_back_get(user_id: int) -> set[str]:
    """The urgent kinds whose e-mails the person asked to hold in their quiet hours too."""
    return set(
        NotificationPreference.objects.filter(user_id=user_id, holds_in_quiet_hours=True).values_list("kind", flat=True)
    )


def preferences_get(user_id: int) -> dict[str, str]:
    """Return the person's delivery for every registered kind (their choice or the default)."""
    chosen = dict(NotificationPreference.objects.filter(user_id=user_id).values_list("kind", "delivery"))
    return {kind.key: chosen.get(kind.key, kind.default_delivery) for kind in kinds()}
