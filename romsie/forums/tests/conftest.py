"""Fixtures of the forum tests: the shared world with the service switched on, in English."""

from __future__ import annotations

import pytest

from romsie.core.testing.world import World

from .builders import enable


@pytest.fixture
def forum_world(world: World) -> World:
    enable(world.a, world.b, world.c)
    return world


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages and messages in English (see ``english`` in core's fixtures)."""
