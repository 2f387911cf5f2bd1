"""A small timetable for establishment ``a`` of the shared world, generated from 1 September 2026."""

from __future__ import annotations

import datetime

import pytest

from romsie.core.testing.world import World
from romsie.schooling.models import SchoolYear
from romsie.timetable import services
from romsie.timetable.models import DayOff, Lesson

START = datetime.date(2026, 9, 1)


@pytest.fixture
def year(world: World) -> SchoolYear:
    return SchoolYear.objects.get(establishment=world.a.establishment, is_current=True)


@pytest.fixture
def timetable(world: World, year: SchoolYear) -> dict[str, Lesson]:
    """Maths on Mondays 8:30 every week and Tuesdays 10:00 in week A; All Saints' holidays off."""
    a = world.a
    DayOff.objects.create(
        establishment=a.establishment, school_year=year, name="Toussaint",
        starts_on=datetime.date(2026, 10, 17), ends_on=datetime.date(2026, 11, 1),
    )  # fmt: skip
    monday = Lesson.objects.create(
        establishment=a.establishment, school_year=year, teaching=a.teaching, room=a.room, weekday=0,
        starts_at=datetime.time(8, 30), ends_at=datetime.time(9, 25),
    )  # fmt: skip
    tuesday = Lesson.objects.create(
        establishment=a.establishment, school_year=year, teaching=a.teaching, room=a.room, weekday=1,
        starts_at=datetime.time(10, 0), ends_at=datetime.time(11, 0), weeks="A",
    )  # fmt: skip
    services.weeks_generate(school_year=year, today=START)
    return {"monday": monday, "tuesday": tuesday}


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages and messages in English (see ``english`` in core's fixtures)."""
