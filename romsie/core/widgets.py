"""The core's own dashboard contribution: the menu of services."""

from typing import Any

from romsie.core.access.scope import ScopedRequest

from . import registry


def services_context(request: ScopedRequest) -> dict[str, Any] | None:
    scope = request.scope
    if scope.establishment is None:
        return None
    services = [
        s for s in registry.services() if scope.has(s.habilitation) and (not s.switchable or s.key in scope.services)
    ]
    return {"services": services}


def scope_stamp(request: ScopedRequest) -> tuple[Any, ...]:
    """Stamp of a widget drawn from the scope alone (the scope is itself versioned)."""
    scope = request.scope
    return (
        sorted(scope.habilitations),
        sorted(scope.services),
        scope.establishments,
        scope.children,
        scope.child,
    )


SERVICES_WIDGET = registry.Widget(
    key="services",
    is_folded=True,
    template_name="core/_widget_services.html",
    get_context=services_context,
    service=None,  # the menu lists each service only where it is on
    habilitation=None,
    order=10,
    wide=True,
    cache_stamp=scope_stamp,
)
