"""Dashboard contributions of the identity app."""

from typing import Any

from django.http import HttpRequest

from romsie.core import registry
from romsie.core.widgets import scope_stamp


def context_context(request: HttpRequest) -> dict[str, Any] | None:
    """Show the person's establishments, or their children for a parent (no query)."""
    return {}


CONTEXT_WIDGET = registry.Widget(
    key="context",
    is_folded=True,
    template_name="identity/_widget_context.html",
    get_context=context_context,
    service=None,
    habilitation=None,
    order=30,
    cache_stamp=scope_stamp,
)
