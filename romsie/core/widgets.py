"""The core's own dashboard contribution: the menu of services."""

from typing import Any

from django.http import HttpRequest

from . import registry


def services_context(request: HttpRequest) -> dict[str, Any] | None:
    scope = request.scope  # type: ignore[attr-defined]
    if scope.establishment is None:
        return None
    services = [
        s for s in registry.services() if scope.has(s.habilitation) and (not s.switchable or s.key in scope.services)
    ]
    return {"services": services}


SERVICES_WIDGET = registry.Widget(
    key="services",
    template_name="core/_widget_services.html",
    get_context=services_context,
    order=10,
    wide=True,
)
