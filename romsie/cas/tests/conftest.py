"""The CAS tests read English wording."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """Pages and messages in English."""
