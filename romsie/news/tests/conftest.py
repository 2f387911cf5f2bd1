import pytest

from romsie.core.testing.world import World

from .helpers import enable_news


@pytest.fixture
def news(world: World) -> World:
    """The shared world with the news service switched on."""
    return enable_news(world)


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages and messages in English (see ``english`` in core's fixtures)."""
