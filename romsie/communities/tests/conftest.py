import pytest

from romsie.core.testing.world import World

from .builders import enable


@pytest.fixture
def communities(world: World) -> World:
    """The shared world with the communities service switched on."""
    return enable(world)


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages and messages in English (see ``english`` in core's fixtures)."""
