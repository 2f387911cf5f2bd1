"""Fire requests at the same moment from several threads, as concurrent users would.

Each thread has its own database connection (Django's connections are per thread), closed
when it ends. Only PostgreSQL has the row locks these tests exercise; the tests using this
helper are marked :data:`committed_db` (threads must see committed data) and start with
:func:`skip_unless_postgresql`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import pytest
from django.db import connection, connections

T = TypeVar("T")

#: The one marker for tests whose data must be committed (threads, subprocesses, a live
#: server). The flush after such a test would also empty the tables that data migrations
#: fill (national levels, content types); ``serialized_rollback`` puts them back. Mixing it
#: with a plain ``transaction=True`` breaks the next test (content types created twice), so
#: ``tests/test_architecture.py`` refuses any other spelling.
committed_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def skip_unless_postgresql() -> None:
    """Skip the test unless it runs on PostgreSQL (SQLite has no row locks)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency guarantees are tested on PostgreSQL")


def run_concurrently(count: int, work: Callable[[int], T], timeout: float = 120) -> list[T | BaseException]:
    """Run ``work(0)`` … ``work(count - 1)`` in ``count`` threads released together.

    Returns each call's result, or the exception it raised (a 500 in a test client raises).
    """
    barrier = threading.Barrier(count)
    results: list[T | BaseException] = [RuntimeError("did not finish")] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = work(index)
        except BaseException as error:  # reported to the test, which fails on it
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,), name=f"concurrent-{i}") for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results
