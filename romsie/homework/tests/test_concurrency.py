"""Many "write the log" saves of one session at once: one entry, every other text kept and explained.

Real requests from threads, each with its own connection, on PostgreSQL; skipped on SQLite.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from romsie.core.testing.concurrency import run_concurrently, skip_unless_postgresql
from romsie.homework.models import LogEntry

from .test_log import _post

# serialized_rollback: the flush after the test would otherwise remove the rows data migrations made.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COUNT = 16


def test_concurrent_first_entries_of_one_session_make_one_and_lose_no_text(log, client_for):
    skip_unless_postgresql()
    url = reverse("homework:entry-create", args=[log.past.pk])
    clients = [client_for(log.world.a.teacher) for _ in range(COUNT)]

    results = run_concurrently(COUNT, lambda i: clients[i].post(url, _post(content=f"<p>Text number {i}.</p>")))

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], f"no request may fail (500): {errors[:3]}"
    won = [i for i, r in enumerate(results) if r.status_code == 302]
    assert len(won) == 1
    entry = LogEntry.objects.get(session=log.past)
    assert entry.content_html == f"<p>Text number {won[0]}.</p>"
    for i, response in enumerate(results):
        if i in won:
            continue
        assert response.status_code == 200
        page = response.content.decode()
        assert "wrote this session&#x27;s entry in the meantime" in page
        assert f"Text number {i}." in page, "the refused person's text is shown again, not lost"
