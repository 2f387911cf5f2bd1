"""Fixtures of the SAML tests: a local identity provider and its registration for territory ``north``."""

from __future__ import annotations

from pathlib import Path

import pytest

from romsie.core.testing.world import World
from romsie.saml.models import IdentityProvider

from .idp import LocalIdP


@pytest.fixture(scope="session")
def local_idp(tmp_path_factory: pytest.TempPathFactory) -> LocalIdP:
    return LocalIdP(Path(tmp_path_factory.mktemp("idp")))


@pytest.fixture(scope="session")
def other_idp(tmp_path_factory: pytest.TempPathFactory) -> LocalIdP:
    return LocalIdP(Path(tmp_path_factory.mktemp("idp2")), entity_id="https://idp.test.invalid/academie")


def register(idp: LocalIdP, territory: object, **fields: object) -> IdentityProvider:
    defaults: dict[str, object] = {
        "slug": "educonnect",
        "name": "ÉduConnect",
        "kind": IdentityProvider.Kind.FAMILY,
        "identifier_attribute": "FrEduCtId",
        "identifier_field": IdentityProvider.Field.EXTERNAL_ID,
        "ine_attribute": "FrEduCtEleveINE",
    }
    defaults.update(fields)
    return IdentityProvider.objects.create(
        territory=territory, entity_id=idp.entity_id, metadata_xml=idp.metadata(), **defaults
    )


@pytest.fixture
def provider(world: World, local_idp: LocalIdP) -> IdentityProvider:
    return register(local_idp, world.north)


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages and messages in English (see ``english`` in core's fixtures)."""
