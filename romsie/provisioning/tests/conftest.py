"""Fixtures of the provisioning tests: copies of the sample feeds and empty establishments."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from romsie.core.testing.factories import EstablishmentFactory
from romsie.establishments.models import Establishment

FIXTURES = Path(__file__).parent / "fixtures"
AAF_UAI = "0771234A"
ONDE_UAI = "0771111B"


@pytest.fixture
def college(db: None) -> Establishment:
    """The empty collège the AAF sample feed describes."""
    return EstablishmentFactory(uai=AAF_UAI)


@pytest.fixture
def primary_school(db: None) -> Establishment:
    """An empty elementary school for the ONDE sample feed."""
    return EstablishmentFactory(uai=ONDE_UAI, kind=Establishment.Kind.ELEMENTARY, name="École des Tilleuls")


@pytest.fixture
def aaf_dir(tmp_path: Path) -> Path:
    """A writable copy of the AAF sample, so a test may edit or add files."""
    target = tmp_path / "aaf"
    shutil.copytree(FIXTURES / "aaf", target)
    return target


@pytest.fixture
def onde_dir(tmp_path: Path) -> Path:
    target = tmp_path / "onde"
    shutil.copytree(FIXTURES / "onde", target)
    return target


@pytest.fixture(autouse=True)
def _empty_domain_unless_the_world_is_asked(request: pytest.FixtureRequest) -> None:
    """Import into an empty domain, as a fresh installation does, unless the test asks for ``world``.

    The feeds describe establishments of their own (the AAF collège has the UAI of the world's
    ``a``); their counts are exact only when nothing else is there (see ``empty_domain``).
    """
    uses_database = request.node.get_closest_marker("django_db") is not None or "db" in request.fixturenames
    if uses_database and "world" not in request.fixturenames:
        request.getfixturevalue("empty_domain")


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages and messages in English (see ``english`` in core's fixtures)."""
