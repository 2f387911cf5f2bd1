"""Dashboard contribution of the directory: the person's own card."""

from typing import Any

from django.http import HttpRequest

from romsie.core import registry, versions

from . import selectors


def my_card_context(request: HttpRequest) -> dict[str, Any] | None:
    scope = request.scope  # type: ignore[attr-defined]
    if scope.establishment_id is None:
        return None
    return {"card": selectors.my_card(scope, request.user)}  # type: ignore[arg-type]


def my_card_stamp(request: HttpRequest) -> tuple[int, ...]:
    """The card changes with the person (names, roles) and the establishment's structure."""
    scope = request.scope  # type: ignore[attr-defined]
    return (*versions.stamp(versions.key("user", scope.user_id), versions.key("structure", scope.establishment_id)),)


MY_CARD_WIDGET = registry.Widget(
    key="my-card",
    template_name="directory/_widget_my_card.html",
    get_context=my_card_context,
    service=None,  # the person's own facts, not the annuaire
    habilitation=None,
    order=5,
    cache_stamp=my_card_stamp,
)
