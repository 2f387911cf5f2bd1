"""Writes of marks and report cards: keyword-only, typed, atomic, taking the actor's scope.

Parts, each in its section: assessments and marks, competencies, councils and report cards,
families.
"""

from __future__ import annotations

from collections.abc import Iterable

# -- Families: the students' cached marks pages and widgets ---------------------------------------


def marks_changed(student_ids: Iterable[int]) -> None:
    """Students' marks changed: their cached marks page and widget recompute once the transaction commits."""
    from django.db import transaction

    from romsie.core import versions

    ids = sorted(set(student_ids))

    def bump() -> None:
        for pk in ids:
            versions.bump(versions.Kind.ASSESSMENT_MARKS, pk)

    transaction.on_commit(bump)


def assessment_marks_changed(assessment_id: int) -> None:
    """An assessment changed (its publication date, title, scale): every student with a mark in it. One query."""
    from .models import Mark

    marks_changed(Mark.objects.filter(assessment_id=assessment_id).values_list("student_id", flat=True))
