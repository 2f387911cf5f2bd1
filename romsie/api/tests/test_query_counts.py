"""Pinned query counts per endpoint, with the person's scope in the cache (as after their first call).

Lists cost the same with 1 and with many rows.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from romsie.core.testing.world import World

from .builders import bearer, content, token_for

# endpoint, person, queries (the token and its person: 1; the rest is the page's own reads)
BUDGETS = [
    ("/api/v1/me", "parent", 1),
    ("/api/v1/timetable/week", "student", 4),
    ("/api/v1/homework", "student", 4),
    ("/api/v1/messages", "parent", 2),
    ("/api/v1/messages/unread", "parent", 3),
    ("/api/v1/notifications", "student", 2),
    ("/api/v1/notifications/unread", "student", 1),
    ("/api/v1/news", "parent", 3),
]


def _count(path: str, headers: dict[str, str]) -> int:
    client = Client()
    assert client.get(path, **headers).status_code == 200  # warms the scope's cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, **headers).status_code == 200
    return len(captured)


@pytest.mark.parametrize(("path", "who", "expected"), BUDGETS, ids=[b[0] for b in BUDGETS])
def test_query_count_per_endpoint(api_world: World, path: str, who: str, expected: int) -> None:
    a = api_world.a
    headers = bearer(token_for(a.people[who]))
    assert _count(path, headers) == expected
    # More rows: the same count.
    more = a.__dict__["api_content"]
    _more_rows(a, more)
    assert _count(path, headers) == expected


def _more_rows(a: Any, found: dict[str, Any]) -> None:
    from romsie.core.testing.factories import session_on
    from romsie.homework.tests.builders import entry_for, homework_for
    from romsie.messaging.tests.helpers import send
    from romsie.news.models import NewsItem
    from romsie.notifications.models import Notification

    from .builders import this_tuesday

    for hour in (10, 11, 13):
        session_on(a.teaching, this_tuesday(), hour=hour)
    entry = entry_for(session_on(a.teaching, timezone.localdate() - datetime.timedelta(days=2), hour=15))
    for days in (4, 5, 6):
        homework_for(entry, due_on=timezone.localdate() + datetime.timedelta(days=days))
    for n in range(3):
        send(a.teacher, [f"user:{a.parent.pk}"], subject=f"More {n}")
        Notification.objects.create(recipient=a.student, kind="test.kind", params={}, url="/")
        NewsItem.objects.create(
            establishment=a.establishment,
            author=a.head,
            title=f"More {n}",
            body="<p>x</p>",
            published_at=timezone.now() - datetime.timedelta(minutes=5),
            for_parents=True,
        )


def test_thread_and_item_query_counts(api_world: World) -> None:
    a = api_world.a
    found = content(a)
    headers = bearer(token_for(a.parent))
    assert _count(f"/api/v1/messages/{found['message'].pk}/thread", headers) == 5
    assert _count(f"/api/v1/news/{found['news'].pk}", headers) == 3
