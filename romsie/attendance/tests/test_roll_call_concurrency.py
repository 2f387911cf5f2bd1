"""Several people saving one session's roll at once: one wins, the others are refused with the winner's marks.

Real requests from threads, each with its own connection, on PostgreSQL; skipped on SQLite.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.attendance.models import Absence, AttendanceMark, RollCall
from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql
from romsie.homework.tests.builders import session_on

from .builders import enable
from .test_roll_call import add_students, marks_post

# serialized_rollback: the flush after the test would otherwise remove the rows data migrations made.
pytestmark = committed_db

COUNT = 8


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages in English."""


def _setup(world):
    enable(world.a)
    session = session_on(world.a.teaching, timezone.localdate() - datetime.timedelta(days=1))
    students = [world.a.student, *add_students(world, COUNT - 1)]
    return session, students, reverse("attendance:roll-call", args=[session.pk])


def _check_one_won(results, students):
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], f"no request may fail (500): {errors[:3]}"
    won = [i for i, r in enumerate(results) if r.status_code == 302]
    assert len(won) == 1, [r.status_code for r in results]
    winner = won[0]
    # The winner's marks are saved, whole: student ``i`` absent by person ``i``.
    assert list(AttendanceMark.objects.values_list("student_id", "status")) == [(students[winner].pk, "absent")]
    assert list(Absence.objects.values_list("student_id", flat=True)) == [students[winner].pk]
    for i, response in enumerate(results):
        if i == winner:
            continue
        assert response.status_code == 200
        page = response.content.decode()
        assert "Someone else changed this while you were editing it" in page
        assert students[winner].last_name in page, "the other person's marks are shown"
        # (Read in the page: the test client's captured contexts mix up between threads.)
        mine = re.search(rf'name="status-{students[i].pk}" value="absent"[^>]*checked', page)
        assert mine, "the refused person's marks are kept"
        version = re.search(r'name="version" value="(\d+)"', page)
        assert version and int(version.group(1)) == RollCall.objects.get().version, "saving again replaces knowingly"
    return winner


def test_first_calls_at_once_make_one_roll_call_and_lose_no_mark(world, client_for):
    skip_unless_postgresql()
    session, students, url = _setup(world)
    clients = [client_for(world.a.teacher) for _ in range(COUNT)]

    results = run_concurrently(COUNT, lambda i: clients[i].post(url, marks_post(students, {students[i].pk: "absent"})))

    _check_one_won(results, students)
    assert RollCall.objects.filter(session=session).count() == 1


def test_corrections_at_once_one_wins_the_others_are_refused(world, client_for):
    skip_unless_postgresql()
    _session, students, url = _setup(world)
    first = client_for(world.a.teacher)
    assert first.post(url, marks_post(students)).status_code == 302
    version = RollCall.objects.get().version
    clients = [client_for(world.a.teacher if i % 2 else world.a.school_life) for i in range(COUNT)]

    results = run_concurrently(
        COUNT,
        lambda i: clients[i].post(url, marks_post(students, {students[i].pk: "absent"}, version=str(version))),
    )

    _check_one_won(results, students)
    assert RollCall.objects.get().version == version + 1
