"""The production workers keep long-lived objects out of Python's full collections (``config/gunicorn.py``)."""

from __future__ import annotations

import gc
import types
from collections.abc import Iterator

import pytest

from config import gunicorn as settings


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_a_worker_freezes_what_it_loaded_then_again_after_its_first_requests(unfrozen: None) -> None:
    worker = types.SimpleNamespace()
    settings.post_worker_init(worker)
    loaded = gc.get_freeze_count()
    assert loaded > 10_000  # Django and every app's views, out of the collector's walks

    lazily_built = [[n] for n in range(1_000)]  # what the first requests build (templates, catalogues)
    for _ in range(settings.FREEZE_AGAIN_AFTER - 1):
        settings.post_request(worker, None, {}, None)
    assert gc.get_freeze_count() == loaded  # not yet
    settings.post_request(worker, None, {}, None)
    assert gc.get_freeze_count() >= loaded + len(lazily_built)
    frozen = gc.get_freeze_count()
    settings.post_request(worker, None, {}, None)
    assert gc.get_freeze_count() == frozen  # once only
