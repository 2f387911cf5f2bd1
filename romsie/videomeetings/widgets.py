"""Dashboard contribution of the video meetings: the territory's server, for its admins."""

from __future__ import annotations

from typing import Any

from romsie.core import registry
from romsie.core.access.scope import ScopedRequest


def territory_context(request: ScopedRequest) -> dict[str, Any] | None:
    """Show territory admins the link to their video-conference server's settings (no query)."""
    return {} if request.scope.territory_ids else None


TERRITORY_WIDGET = registry.Widget(
    key="videomeetings-territory",
    template_name="videomeetings/_widget_territory.html",
    get_context=territory_context,
    service=None,  # the territory's server, for territory admins
    habilitation=None,
    order=91,
)
