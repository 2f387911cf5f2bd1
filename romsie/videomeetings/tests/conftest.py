"""The video meetings' tests read English wording and may start a stand-in BigBlueButton."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .builders import SECRET
from .standin import StandInBBB


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """Pages and messages in English."""


@pytest.fixture
def bbb() -> Iterator[StandInBBB]:
    """A stand-in BigBlueButton on a free local port, checking checksums with ``SECRET``."""
    server = StandInBBB(SECRET).start()
    yield server
    server.stop()
