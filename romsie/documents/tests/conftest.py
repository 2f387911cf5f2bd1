"""Fixtures of the documents tests: the shared world with the documents service switched on."""

from __future__ import annotations

import pytest

from romsie.core.testing.world import World

from .matrix import enable


@pytest.fixture
def docs(world: World) -> World:
    """The world, with the documents service switched on in every establishment."""
    enable(world.a, world.b, world.c)
    return world


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages and messages in English (see ``english`` in core's fixtures)."""
