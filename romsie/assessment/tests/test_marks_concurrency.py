"""Two teachers saving the same grid at once: different cells both succeed; the same cell from the same
version: one wins, the other is told it changed meanwhile, and no mark is lost.

Real requests from threads, each with its own connection, on PostgreSQL; skipped on SQLite.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql
from romsie.notifications.models import Notification

from .. import services
from ..models import Assessment, Mark
from .builders import assessment_for, enable, mark_for, period_of
from .builders_marks import add_students, cell_post, grid_post

# serialized_rollback: the flush after the test would otherwise remove the rows data migrations made.
pytestmark = committed_db

COUNT = 6


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read answers in English."""


def _setup(world):
    enable(world.a)
    period_of(world.a)
    students = [world.a.student, *add_students(world, COUNT - 1)]
    return assessment_for(world.a), students


def test_different_cells_saved_at_once_are_all_kept(world, client_for):
    skip_unless_postgresql()
    assessment, students = _setup(world)
    url = reverse("assessment:cell-save", args=[assessment.pk])
    clients = [client_for(world.a.teacher) for _ in range(COUNT)]

    results = run_concurrently(COUNT, lambda i: clients[i].post(url, cell_post(students[i], str(10 + i))))

    assert [r.status_code for r in results if not isinstance(r, BaseException)] == [200] * COUNT, results
    saved = dict(Mark.objects.values_list("student_id", "value"))
    assert saved == {student.pk: Decimal(10 + i) for i, student in enumerate(students)}


def test_the_same_new_cell_saved_at_once_one_wins_the_others_are_told(world, client_for):
    skip_unless_postgresql()
    assessment, students = _setup(world)
    url = reverse("assessment:cell-save", args=[assessment.pk])
    clients = [client_for(world.a.teacher) for _ in range(COUNT)]

    results = run_concurrently(COUNT, lambda i: clients[i].post(url, cell_post(students[0], str(10 + i))))

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], f"no request may fail (500): {errors[:3]}"
    won = [i for i, r in enumerate(results) if r.json()["ok"]]
    assert len(won) == 1, [r.status_code for r in results]
    mark = Mark.objects.get()
    assert mark.value == Decimal(10 + won[0]), "the winner's mark is the one kept"
    for i, response in enumerate(results):
        if i != won[0]:
            answer = response.json()
            assert answer["conflict"] and answer["mark"] == str(10 + won[0]) and answer["version"] == mark.version


def test_the_same_cell_changed_at_once_from_one_version_one_wins(world, client_for):
    skip_unless_postgresql()
    assessment, students = _setup(world)
    mark_for(assessment, students[0].pk, "5")
    url = reverse("assessment:cell-save", args=[assessment.pk])
    clients = [client_for(world.a.teacher) for _ in range(COUNT)]

    results = run_concurrently(COUNT, lambda i: clients[i].post(url, cell_post(students[0], str(10 + i), version=0)))

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], f"no request may fail (500): {errors[:3]}"
    outcomes = sorted((r.json()["ok"], bool(r.json().get("conflict"))) for r in results)
    assert outcomes == [(False, True)] * (COUNT - 1) + [(True, False)], outcomes
    winner = next(i for i, r in enumerate(results) if r.json()["ok"])
    mark = Mark.objects.get()
    assert (mark.value, mark.version) == (Decimal(10 + winner), 1)


def test_whole_grids_saved_at_once_keep_every_teachers_cells(world, client_for):
    skip_unless_postgresql()
    assessment, students = _setup(world)
    url = reverse("assessment:grid", args=[assessment.pk])
    clients = [client_for(world.a.teacher) for _ in range(COUNT)]
    posts = [grid_post(assessment, students, {students[i].pk: {"mark": str(10 + i)}}) for i in range(COUNT)]

    results = run_concurrently(COUNT, lambda i: clients[i].post(url, posts[i]))

    assert [getattr(r, "status_code", r) for r in results] == [302] * COUNT
    assert dict(Mark.objects.values_list("student_id", "value")) == {
        student.pk: Decimal(10 + i) for i, student in enumerate(students)
    }


def test_two_announcement_runs_at_once_tell_each_family_once(world):
    skip_unless_postgresql()
    assessment, students = _setup(world)
    for student in students:
        mark_for(assessment, student.pk, "12")
    for i in range(3):
        mark_for(assessment_for(world.a, title=f"T{i}"), students[0].pk, "9")

    results = run_concurrently(2, lambda i: services.marks_published_notify())

    assert sum(results) == 4
    assert Assessment.objects.filter(notified_at__isnull=True).count() == 0
    # Each student and each guardian once per assessment: never twice.
    pairs = list(Notification.objects.values_list("recipient_id", "params__assessment"))
    assert len(pairs) == len(set(pairs))
