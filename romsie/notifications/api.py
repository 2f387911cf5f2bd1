"""The family API's notifications: the person's timeline (keyset pages) and unread count."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema

from romsie.core.api import ERRORS, ApiScope, require_oauth_scope

from . import selectors
from .kinds import is_local_url, render

router = Router(tags=["notifications"])
PAGE_SIZE = 30


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    created_at: datetime.datetime
    is_read: bool


class NotificationPageOut(Schema):
    notifications: list[NotificationOut]
    next_cursor: str


class NotificationUnreadOut(Schema):
    unread: int


class PageQuery(Schema):
    cursor: str = ""


def _person(request: HttpRequest) -> int:
    """The token's person, if it carries the ``notifications`` scope (403 otherwise).

    Notifications belong to their recipient whatever the establishment, as on the page (``@signed_in``).
    """
    return require_oauth_scope(request, ApiScope.NOTIFICATIONS).auth.user_id


@router.get(
    "/notifications", response={200: NotificationPageOut, **ERRORS}, url_name="notification-list", summary="Timeline"
)
def notification_list(request: HttpRequest, query: Query[PageQuery]) -> NotificationPageOut:
    """The person's notifications, newest first, 30 a page (``cursor``: ``next_cursor`` of the last page)."""
    page = selectors.timeline_for(_person(request), cursor=query.cursor[:64], size=PAGE_SIZE)
    return NotificationPageOut(
        notifications=[
            NotificationOut(
                id=n.pk,
                kind=n.kind,
                text=render(n),
                url=n.url if is_local_url(n.url) else "",
                created_at=n.created_at,
                is_read=n.read_at is not None,
            )
            for n in page.entries
        ],
        next_cursor=page.next_cursor,
    )


@router.get(
    "/notifications/unread",
    response={200: NotificationUnreadOut, **ERRORS},
    url_name="notification-unread",
    summary="Unread",
)
def notification_unread(request: HttpRequest) -> NotificationUnreadOut:
    """How many notifications are unread (at most 100, as the bell counts)."""
    return NotificationUnreadOut(unread=selectors.unread_count(_person(request)))
