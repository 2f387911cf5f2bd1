"""Dashboard contribution of the directory: the person's own card."""

from typing import Any

from romsie.core import registry, versions
from romsie.core.access.scope import ScopedRequest

from . import selectors


def my_card_context(request: ScopedRequest) -> dict[str, Any] | None:
    scope = request.scope
    if scope.establishment_id is None:
        return None
    return {"card": selectors.my_card(scope, request.user)}


def my_card_stamp(request: ScopedRequest) -> tuple[int, ...]:
    """The card changes with the person (names, roles) and the establishment's structure."""
    scope = request.scope
    return (
        *versions.stamp(
            versions.key(versions.Kind.USER, scope.user_id),
            versions.key(versions.Kind.STRUCTURE, scope.establishment_id),
        ),
    )


MY_CARD_WIDGET = registry.Widget(
    key="my-card",
    is_folded=True,
    template_name="directory/_widget_my_card.html",
    get_context=my_card_context,
    service=None,  # the person's own facts, not the annuaire
    habilitation=None,
    order=5,
    cache_stamp=my_card_stamp,
)
