"""Several people opening or saving one class council at once: one council, and no decision lost unseen.

Real requests from threads, each with its own connection, on PostgreSQL; skipped on SQLite.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql

from ..models import Council, CouncilDecision
from .builders import enable, period_of
from .builders_councils import council_of, homeroom

pytestmark = committed_db

COUNT = 6


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages in English."""


def _url(world):
    enable(world.a)
    homeroom(world.a)
    period = period_of(world.a)
    return reverse("assessment:council", kwargs={"pk": world.a.school_class.pk}) + f"?periode={period.pk}"


def test_opening_the_council_at_once_creates_one_council(world, client_for):
    skip_unless_postgresql()
    url = _url(world)
    clients = [client_for(world.a.teacher if i % 2 else world.a.head) for i in range(COUNT)]

    results = run_concurrently(COUNT, lambda i: clients[i].get(url))

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], f"no request may fail (500): {errors[:3]}"
    assert [r.status_code for r in results] == [200] * COUNT
    assert Council.objects.filter(school_class=world.a.school_class).count() == 1


@pytest.mark.parametrize("existing", [False, True])
def test_saving_one_students_decision_at_once_one_wins(world, client_for, existing):
    skip_unless_postgresql()
    url = _url(world)
    council = council_of(world.a)
    student = world.a.student
    version = None
    if existing:
        version = CouncilDecision.objects.create(
            establishment=world.a.establishment, council=council, student=student, general_comment="Before"
        ).version
    clients = [client_for(world.a.teacher if i % 2 else world.a.head) for i in range(COUNT)]

    def save(i):
        data = {f"s{student.pk}-general_comment": f"Comment number {i}", "action": "save"}
        if version is not None:
            data[f"s{student.pk}-version"] = str(version)
        return clients[i].post(url, data)

    results = run_concurrently(COUNT, save)

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], f"no request may fail (500): {errors[:3]}"
    won = [i for i, r in enumerate(results) if r.status_code == 302]
    assert len(won) == 1, [r.status_code for r in results]
    assert CouncilDecision.objects.get().general_comment == f"Comment number {won[0]}"
    for i, response in enumerate(results):
        if i != won[0]:
            page = response.content.decode()
            assert response.status_code == 200 and "Someone else changed this" in page
            assert f"Comment number {i}" in page and f"Comment number {won[0]}" in page
