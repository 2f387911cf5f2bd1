"""Fixtures of the homework tests: the shared world with the homework service switched on."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from romsie.core.testing.world import World
from romsie.timetable.models import Session

from .builders import enable, session_on


@dataclass
class Log:
    world: World
    today: datetime.date
    past: Session  # yesterday's session of world.a.teaching
    next: Session  # the next one, a week later


@pytest.fixture
def log(world: World) -> Log:
    enable(world.a, world.b, world.c)
    today = timezone.localdate()
    past = session_on(world.a.teaching, today - datetime.timedelta(days=1))
    following = session_on(world.a.teaching, today + datetime.timedelta(days=6))
    return Log(world, today, past, following)


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages and messages in English (see ``english`` in core's fixtures)."""
