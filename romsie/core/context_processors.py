"""Template context shared by every page: the scope and the services menu."""

from typing import Any

from django.http import HttpRequest

from . import registry


def romsie(request: HttpRequest) -> dict[str, Any]:
    scope = getattr(request, "scope", None)
    if scope is None or not request.user.is_authenticated:
        return {"scope": scope, "menu_services": ()}

    def menu() -> list[registry.Service]:
        return [
            s
            for s in registry.services()
            if scope.has(s.habilitation) and (not s.switchable or s.key in scope.services)
        ]

    return {"scope": scope, "menu_services": menu}
