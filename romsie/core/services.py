"""Writes of the core app."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from .access.scope import Scope
from .models import AuditEvent

DEFAULT_AUDIT_EVENT_RETENTION_DAYS = 365


def audit_record(*, scope: Scope, action: str, target: object = "", **details: Any) -> AuditEvent:
    """Record a sensitive action in the audit log, attributed to the scope's person."""
    return AuditEvent.objects.create(
        actor_id=scope.user_id,
        establishment_id=scope.establishment_id,
        action=action,
        target=str(target)[:200],
        details={k: str(v) for k, v in details.items()},
    )


def audit_event_retention() -> timedelta:
    """Return how long audit events are kept (setting ``AUDIT_EVENT_RETENTION_DAYS``, one year by default)."""
    return timedelta(days=int(getattr(settings, "AUDIT_EVENT_RETENTION_DAYS", DEFAULT_AUDIT_EVENT_RETENTION_DAYS)))


def audit_events_purge(*, now: datetime | None = None) -> int:
    """Delete the audit events older than their retention delay; return how many.

    An event names its target ("Lina MARTIN (onde:123)"), and keeps that name after the
    person's account is deleted: the delay bounds how long.
    """
    cutoff = (now or timezone.now()) - audit_event_retention()
    deleted, _by_model = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted
