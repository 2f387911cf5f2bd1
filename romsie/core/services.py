"""Writes of the core app."""

from typing import Any

from .access.scope import Scope
from .models import AuditEvent


def audit_record(*, scope: Scope, action: str, target: object = "", **details: Any) -> AuditEvent:
    """Record a sensitive action in the audit log, attributed to the scope's person."""
    return AuditEvent.objects.create(
        actor_id=scope.user_id,
        establishment_id=scope.establishment_id,
        action=action,
        target=str(target)[:200],
        details={k: str(v) for k, v in details.items()},
    )
