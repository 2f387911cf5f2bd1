"""A student's current classes and groups: one rule, the current school year's only."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models import QuerySet

from romsie.core.testing import factories as f
from romsie.core.testing.world import World
from romsie.schooling.access import current_class_ids, current_group_ids
from romsie.schooling.models import SchoolClass, TeachingGroup


def last_year_places(world: World) -> tuple[SchoolClass, TeachingGroup]:
    """Enroll ``a``'s student in a class and a group of the previous school year."""
    a = world.a
    last_year = f.SchoolYearFactory(
        establishment=a.establishment,
        name="2025-2026",
        starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2026, 7, 4),
        is_current=False,
    )
    old_class = f.SchoolClassFactory(establishment=a.establishment, school_year=last_year, name="CM2 old", code="CM2O")
    old_group = f.TeachingGroupFactory(establishment=a.establishment, school_year=last_year)
    f.EnrollmentFactory(school_class=old_class, student=a.student)
    old_group.students.add(a.student, through_defaults={"establishment": a.establishment})
    return old_class, old_group


@pytest.mark.django_db
def test_previous_years_class_and_group_no_longer_count(world: World) -> None:
    a = world.a
    current_group = f.TeachingGroupFactory(establishment=a.establishment)
    current_group.students.add(a.student, through_defaults={"establishment": a.establishment})
    last_year_places(world)
    est = a.establishment.pk

    def ids(subquery: QuerySet[Any, Any]) -> set[int]:
        return {row[key] for row in subquery for key in row}

    assert ids(current_class_ids(est, a.student.pk)) == {a.school_class.pk}
    assert ids(current_group_ids(est, a.student.pk)) == {current_group.pk}
    assert ids(current_class_ids(est, [a.student.pk, a.student2.pk])) == {a.school_class.pk, a.class2.pk}
    # Another establishment's id answers nothing.
    assert not current_class_ids(world.b.establishment.pk, a.student.pk).exists()
