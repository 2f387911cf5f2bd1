"""Dashboard contribution of the messaging: unread count and the latest messages."""

from typing import Any

from romsie.core import registry, versions
from romsie.core.access.scope import ScopedRequest

from . import selectors
from .habilitations import MessagingHabilitation


def messages_context(request: ScopedRequest) -> dict[str, Any] | None:
    scope = request.scope
    if scope.establishment_id is None or "messaging" not in scope.services:
        return None
    unread, latest = selectors.dashboard_summary(scope)
    return {"unread": unread, "latest": latest}


def messages_stamp(request: ScopedRequest) -> tuple[Any, ...]:
    """The widget changes with the person's mailbox (a stamp refreshed by every change to it)."""
    scope = request.scope
    return (*versions.stamp(versions.key(selectors.MAILBOX_VERSION, scope.user_id)), "messaging" in scope.services)


MESSAGES_WIDGET = registry.Widget(
    key="messages",
    template_name="messaging/_widget_messages.html",
    get_context=messages_context,
    order=20,
    service="messaging",
    habilitation=MessagingHabilitation.USE,
    cache_stamp=messages_stamp,
)


def territory_context(request: ScopedRequest) -> dict[str, Any] | None:
    """Show territory admins the messaging switch of their territories."""
    scope = request.scope
    if not scope.territory_ids:
        return None
    return {"territories": selectors.territories_of(scope)}


TERRITORY_WIDGET = registry.Widget(
    key="messaging-territory",
    template_name="messaging/_widget_territory.html",
    get_context=territory_context,
    service=None,  # the territory's switch, for territory admins
    habilitation=None,
    order=90,
)
