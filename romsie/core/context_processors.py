"""Template context shared by every page: the scope, the services menu, the notification badge."""

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from . import notifications, registry


class NotificationBadge:
    """The unread count shown in the header, computed only when a template reads it (cached)."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id

    @cached_property
    def count(self) -> int:
        return notifications.unread_count(self.user_id)

    @property
    def is_capped(self) -> bool:
        return self.count >= notifications.UNREAD_CAP

    @property
    def display(self) -> str:
        return f"{notifications.UNREAD_CAP - 1}+" if self.is_capped else str(self.count)


def romsie(request: HttpRequest) -> dict[str, Any]:
    scope = getattr(request, "scope", None)
    if scope is None or not request.user.is_authenticated:
        return {"scope": scope, "menu_services": (), "notification_badge": None}

    def menu() -> list[registry.Service]:
        return [
            s
            for s in registry.services()
            if scope.has(s.habilitation) and (not s.switchable or s.key in scope.services)
        ]

    return {"scope": scope, "menu_services": menu, "notification_badge": NotificationBadge(request.user.pk)}
