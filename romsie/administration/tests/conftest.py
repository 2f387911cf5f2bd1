"""Fixtures of the administration tests."""

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    """Serve the pages in English: the tests read the source messages, whatever the catalogue says."""
    settings.LANGUAGE_CODE = "en"
