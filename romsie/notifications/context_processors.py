"""Template context of every page: the unread badge of the header's notification bell."""

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from . import selectors


class NotificationBadge:
    """The unread count shown in the header, computed only when a template reads it (cached)."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id

    @cached_property
    def count(self) -> int:
        return selectors.unread_count(self.user_id)

    @property
    def is_capped(self) -> bool:
        return self.count >= selectors.UNREAD_CAP

    @property
    def display(self) -> str:
        return f"{selectors.UNREAD_CAP - 1}+" if self.is_capped else str(self.count)


def notification_badge(request: HttpRequest) -> dict[str, Any]:
    if getattr(request, "scope", None) is None or not request.user.is_authenticated:
        return {"notification_badge": None}
    return {"notification_badge": NotificationBadge(request.user.pk)}
