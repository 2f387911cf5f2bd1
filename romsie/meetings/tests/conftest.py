"""Fixtures of the meetings tests: the shared world with the service on, and a family of two children."""

from __future__ import annotations

import pytest

from romsie.core.testing.world import World

from .builders import Family, build_family

__all__ = ["Family"]


@pytest.fixture
def family(world: World) -> Family:
    return build_family(world)


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages and messages in English (see ``english`` in core's fixtures)."""
