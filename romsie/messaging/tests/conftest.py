"""Fixtures of the messaging tests: the shared world with the messaging switched on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from romsie.core.testing.world import World

from .helpers import enable_messaging


@pytest.fixture
def mworld(world: World) -> World:
    """The shared world, messaging enabled in its three establishments."""
    enable_messaging(world)
    return world


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    """Read the messages in English; the French catalogue is checked by ``tests/test_translations.py``."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages and messages in English (see ``english`` in core's fixtures)."""
