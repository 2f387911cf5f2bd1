"""Many members reply to one topic at once: every reply gets its own position, none is lost.

Real concurrent service calls, each with its own connection, on PostgreSQL; skipped on SQLite.
"""

from __future__ import annotations

from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql
from romsie.core.testing.factories import scope_of
from romsie.forums import services
from romsie.forums.models import Reply, Topic

from .builders import class_forum, topic

pytestmark = committed_db

COUNT = 12


def test_concurrent_replies_take_distinct_positions(forum_world):
    skip_unless_postgresql()
    a = forum_world.a
    made = topic(class_forum(a), a.teacher)
    scopes = [scope_of(a.student), scope_of(a.teacher)]

    def work(i: int) -> Reply:
        return services.reply_create(scope=scopes[i % 2], topic=made, body=f"<p>Réponse {i}</p>")

    results = run_concurrently(COUNT, work)

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], f"no reply may fail: {errors[:3]}"
    positions = sorted(Reply.objects.filter(topic=made).values_list("position", flat=True))
    assert positions == list(range(1, COUNT + 2))
    assert Topic.objects.get(pk=made.pk).reply_count == COUNT + 1
