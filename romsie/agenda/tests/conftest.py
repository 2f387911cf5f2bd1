"""The agendas' tests read English wording."""

import pytest


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """Pages and messages in English."""
