"""Template context shared by every page: the scope, the services menu, what the apps put in the header."""

from typing import Any

from django.http import HttpRequest

from . import registry


def romsie(request: HttpRequest) -> dict[str, Any]:
    scope = getattr(request, "scope", None)
    if scope is None or not request.user.is_authenticated:
        return {"scope": scope, "menu_services": (), "header_items": (), "account_links": ()}

    def menu() -> list[registry.Service]:
        return [
            s
            for s in registry.services()
            if scope.has(s.habilitation) and (not s.switchable or s.key in scope.services)
        ]

    return {
        "scope": scope,
        "menu_services": menu,
        "header_items": registry.header_items(),
        "account_links": registry.account_links(),
    }
