"""Many "write the log" saves (or copies) to one session at once: one entry, every other explained.

Real requests from threads, each with its own connection, on PostgreSQL; skipped on SQLite.
"""

from __future__ import annotations

from django.urls import reverse

from romsie.core.testing import factories as f
from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql
from romsie.homework.models import LogEntry

from .builders import entry_for, session_on
from .test_log import _post

# serialized_rollback: the flush after the test would otherwise remove the rows data migrations made.
pytestmark = committed_db

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


def test_copies_and_first_entries_of_one_session_at_once_make_one_entry_and_no_error(log, client_for):
    """Copies to a class's session race with its teacher writing that session's entry: never a 500."""
    skip_unless_postgresql()
    w = log.world
    other = f.TeachingFactory(school_class=w.a.class2, teacher=w.a.teacher, subject=w.a.subject)
    target = session_on(other, log.past.date, hour=14)
    entry = entry_for(log.past)
    copy_url = reverse("homework:entry-copy", args=[entry.pk])
    write_url = reverse("homework:entry-create", args=[target.pk])
    clients = [client_for(w.a.teacher) for _ in range(COUNT)]

    def work(i: int):
        if i % 2:
            return clients[i].post(copy_url, {"teaching": other.pk})
        return clients[i].post(write_url, _post(content=f"<p>Text number {i}.</p>"))

    results = run_concurrently(COUNT, work)

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], f"no request may fail (500): {errors[:3]}"
    assert LogEntry.objects.filter(session=target).count() == 1
    for i, response in enumerate(results):
        if response.status_code == 302:
            continue  # the winner, or a copy made later to no session (none left without an entry)
        assert response.status_code == 200
        page = response.content.decode()
        if i % 2:
            assert "nothing was copied" in page
        else:
            assert "wrote this session&#x27;s entry in the meantime" in page
            assert f"Text number {i}." in page, "the refused person's text is shown again, not lost"
