"""Fixtures of the messaging tests: the shared world with the messaging switched on."""

from __future__ import annotations

import pytest

from romsie.core.testing.world import World

from .helpers import enable_messaging


@pytest.fixture
def mworld(world: World) -> World:
    """The shared world, messaging enabled in its three establishments."""
    enable_messaging(world)
    return world


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages and messages in English (see ``english`` in core's fixtures)."""
