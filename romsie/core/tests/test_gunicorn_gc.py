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


def test_a_worker_freezes_what_it_loaded_then_again_after_its_first_pages_health_checks_not_counted(
    unfrozen: None,
) -> None:
    worker = types.SimpleNamespace()
    settings.post_worker_init(worker)
    loaded = gc.get_freeze_count()
    assert loaded > 10_000  # Django and every app's views, out of the collector's walks
    first, second = sorted(settings.FREEZE_AFTER_PAGES)
    page, health_check = types.SimpleNamespace(path="/"), types.SimpleNamespace(path="/sante/")

    lazily_built = [[n] for n in range(1_000)]  # what the first pages build (templates, catalogues)
    for _ in range(first + 10):
        settings.post_request(worker, health_check, {}, None)  # builds nothing, counts for nothing
    for _ in range(first - 1):
        settings.post_request(worker, page, {}, None)
    # A frozen object is still freed once nothing refers to it: the count may drop by a few, it
    # grows only when a freeze takes in what was built.
    assert gc.get_freeze_count() < loaded + len(lazily_built)  # not yet
    settings.post_request(worker, page, {}, None)
    assert gc.get_freeze_count() >= loaded + len(lazily_built)
    frozen = gc.get_freeze_count()

    built_later = [[n] for n in range(1_000)]  # a page first opened later
    for _ in range(second - first - 1):
        settings.post_request(worker, page, {}, None)
    assert gc.get_freeze_count() < frozen + len(built_later)
    settings.post_request(worker, page, {}, None)
    assert gc.get_freeze_count() >= frozen + len(built_later)
    frozen = gc.get_freeze_count()
    built_after = [[n] for n in range(1_000)]
    settings.post_request(worker, page, {}, None)
    assert gc.get_freeze_count() < frozen + len(built_after)  # no more
