"""Who sees which notification.

A notification belongs to one person, its recipient, whatever the establishment it came from:
only they see it in their timeline and may open it. Anybody else's notification is a 404, the
same answer as one that does not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet

from romsie.core.access.lookup import first_or_404

from .models import Notification


def visible_notifications(user_id: int) -> QuerySet[Notification]:
    """Return the person's own notifications."""
    return Notification.objects.filter(recipient_id=user_id)


def get_notification(user_id: int, pk: int) -> Notification:
    """Return one of the person's notifications (404 if absent or someone else's)."""
    return first_or_404(visible_notifications(user_id).filter(pk=pk))
