"""Shared pytest fixtures, loaded by the root ``conftest.py``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from romsie.identity.models import User

from .world import World, build_world


@pytest.fixture
def world(db: None) -> World:
    """Three establishments in two territories with every role (see ``world.py``)."""
    return build_world()


@pytest.fixture
def client_for(db: None) -> Callable[[User | None], Client]:
    """Return a function giving a test client signed in as a person (or anonymous)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
