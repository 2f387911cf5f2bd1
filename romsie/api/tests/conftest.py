"""Fixtures of the API tests: the shared world with some content in establishment ``a``."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from romsie.core.testing.world import World

from .builders import content


@pytest.fixture
def api_world(world: World) -> World:
    content(world.a)
    content(world.c)
    return world


@pytest.fixture
def a_content(api_world: World) -> dict[str, Any]:
    return content(api_world.a)


@pytest.fixture(autouse=True)
def _fresh_counters() -> None:
    """Each test starts with no request counted against any token."""
    cache.clear()


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages and messages in English (see ``english`` in core's fixtures)."""
