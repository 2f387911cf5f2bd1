"""Fixtures of the meetings tests: the shared world with the service on, and a family of two children."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from romsie.core.testing import factories as f
from romsie.core.testing.world import World
from romsie.identity.models import Role, User
from romsie.meetings.models import MeetingEvening, MeetingSlot
from romsie.schooling.models import Room

from .builders import enable, evening_for, slots_for


@dataclass
class Family:
    """Parent ``a.parent`` with two children (``a.student`` in 6e A, ``a.student2`` in 6e B);
    ``teacher`` teaches the first, ``teacher2`` both; each has four slots in their own room."""

    world: World
    evening: MeetingEvening
    teacher2: User
    room2: Room
    slots: list[MeetingSlot]
    slots2: list[MeetingSlot]


@pytest.fixture
def family(world: World) -> Family:
    a = world.a
    enable(a, world.b, world.c)
    assert a.class2 is not None and a.student2 is not None
    f.GuardianshipFactory(establishment=a.establishment, guardian=a.parent, student=a.student2)
    teacher2 = f.person(a.establishment, Role.TEACHER, username="teacher2.a", first_name="Claire", last_name="Durand")
    english = f.SubjectFactory(establishment=a.establishment, code="ANGa", name="Anglais")
    f.TeachingFactory(school_class=a.school_class, teacher=teacher2, subject=english)
    f.TeachingFactory(school_class=a.class2, teacher=teacher2, subject=english)
    room2 = f.RoomFactory(establishment=a.establishment, name="Salle 202 a")
    evening = evening_for(a, a.school_class, a.class2)
    slots = slots_for(evening, a.teacher, room=a.room)
    slots2 = slots_for(evening, teacher2, room=room2)
    return Family(world, evening, teacher2, room2, slots, slots2)


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages and messages in English (see ``english`` in core's fixtures)."""
