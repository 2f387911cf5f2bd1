"""Template helpers of the messaging."""

from typing import Any

from django import template

from romsie.messaging.access import group_label

register = template.Library()


@register.filter
def recipients_text(labels: Any, limit: int = 0) -> str:
    """Return a message's recipients as they read in the active language ("…" past ``limit``)."""
    parts = [group_label(*item) if isinstance(item, list) and len(item) == 2 else str(item) for item in labels or []]
    if limit and len(parts) > limit:
        return ", ".join(parts[:limit]) + "…"
    return ", ".join(parts)


@register.filter
def holds(scope: Any, habilitation: str) -> bool:
    """Tell whether the request scope holds a habilitation (``{% if scope|holds:"messaging.audit" %}``)."""
    return bool(scope is not None and scope.has(habilitation))
