"""One person's simultaneous submissions of a poll make one response, and no error.

Real concurrent requests from threads, each with its own connection, on PostgreSQL; skipped on SQLite.
"""

from __future__ import annotations

from django.urls import reverse

from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql
from romsie.polls.models import Answer, Participation, Response

from .builders import enable, poll_in

pytestmark = committed_db

COUNT = 10


def test_simultaneous_submissions_by_one_person_give_one_response(world, client_for):
    skip_unless_postgresql()
    enable(world.a)
    poll = poll_in(world.a, is_anonymous=True)
    question = poll.questions.get()
    option = question.options.get(label="Zoo")
    clients = [client_for(world.a.student) for _ in range(COUNT)]
    url = reverse("polls:poll-answer", args=[poll.pk])

    results = run_concurrently(COUNT, lambda i: clients[i].post(url, {f"q{question.pk}": str(option.pk)}))

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], f"no request may fail (500): {errors[:3]}"
    assert sum(r.status_code == 302 for r in results) == 1
    for response in results:
        if response.status_code != 302:
            assert response.status_code == 200
            assert "already answered" in response.content.decode()
    assert Participation.objects.filter(poll=poll).count() == 1
    assert Response.objects.filter(poll=poll).count() == 1
    assert Answer.objects.filter(question=question).count() == 1
