"""Grids of levels saved at once: no level is lost, no request fails.

Real requests from threads, each with its own connection, on PostgreSQL; skipped on SQLite.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.core.testing import factories as f
from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql
from romsie.identity.models import Role

from ..models import CompetencyEvaluation
from .builders import enable
from .builders_competencies import item_for, more_students

pytestmark = committed_db

STUDENTS = 6


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages in English."""


def _url(teaching, competency):
    query = urlencode({"enseignement": teaching.pk, "competence": competency.pk, "date": timezone.localdate()})
    return f"{reverse('assessment:competency-grid')}?{query}"


def _post(students, competency, level):
    data = {}
    for student in students:
        key = f"{student.pk}-{competency.pk}"
        data.update({f"level-{key}": str(level), f"version-{key}": "", f"shown-{key}": ""})
    return data


def test_two_teachers_saving_the_same_grid_at_once_both_keep_their_levels(world, client_for):
    skip_unless_postgresql()
    enable(world.a)
    item = item_for(world.a)
    students = [world.a.student, *more_students(world.a, STUDENTS - 1)]
    second = f.person(world.a.establishment, Role.TEACHER, username="teacher.second", last_name="Second")
    other_teaching = f.TeachingFactory(school_class=world.a.school_class, teacher=second, subject=world.a.subject)
    work = [
        (client_for(world.a.teacher), _url(world.a.teaching, item), 4),
        (client_for(second), _url(other_teaching, item), 2),
    ]

    results = run_concurrently(2, lambda i: work[i][0].post(work[i][1], _post(students, item, work[i][2])))

    assert [getattr(r, "status_code", r) for r in results] == [302, 302]
    rows = CompetencyEvaluation.objects.values_list("evaluated_by_id", "student_id", "level")
    assert sorted(rows) == sorted(
        [(world.a.teacher.pk, s.pk, 4) for s in students] + [(second.pk, s.pk, 2) for s in students]
    )


def test_one_teacher_saving_from_several_tabs_at_once_one_wins_per_row(world, client_for):
    skip_unless_postgresql()
    enable(world.a)
    item = item_for(world.a)
    students = [world.a.student, *more_students(world.a, STUDENTS - 1)]
    tabs = [client_for(world.a.teacher) for _ in range(4)]
    url = _url(world.a.teaching, item)

    results = run_concurrently(4, lambda i: tabs[i].post(url, _post(students, item, i + 1)))

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], f"no request may fail (500): {errors[:3]}"
    statuses = [r.status_code for r in results]
    assert statuses.count(302) == 1, statuses
    winner = statuses.index(302) + 1
    rows = list(CompetencyEvaluation.objects.values_list("student_id", "level"))
    assert sorted(rows) == sorted((s.pk, winner) for s in students), "one evaluation per row, the winner's"
    for response in results:
        if response.status_code == 200:
            page = response.content.decode()
            assert "changed meanwhile" in page.lower()
            assert page.count("Changed meanwhile (another window)") == STUDENTS
