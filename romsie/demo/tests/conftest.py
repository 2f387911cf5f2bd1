"""The demo is generated on an empty domain: the shared world steps aside for these tests.

A demo that several tests only read (or change in their own rolled-back transaction) is
generated once for their class, in a transaction left open around the class and rolled back
after it; each test runs in a savepoint inside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from pytest_django import DjangoDbBlocker

from romsie.demo import generator
from romsie.demo.generator import GenerationReport

#: Fixtures giving a demo generated for a whole class: the domain is emptied before, not per test.
SHARED_DEMOS = {"small_demo", "command_demo"}
SMALL = 0.2


@pytest.fixture(autouse=True)
def _empty_domain(request: pytest.FixtureRequest) -> None:
    """Start every database test on an empty domain (``empty_domain``: the shared world steps aside)."""
    if request.node.get_closest_marker("django_db") is None or SHARED_DEMOS & set(request.fixturenames):
        return
    request.getfixturevalue("empty_domain")


@contextmanager
def _rolled_back_after(blocker: DjangoDbBlocker) -> Iterator[None]:
    """Open a transaction on an empty domain, and roll it back (the world comes back) at the end."""
    outer = transaction.atomic()
    with blocker.unblock():
        outer.__enter__()
        generator.delete_demo_data()
    try:
        yield
    finally:
        with blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="class")
def small_demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[GenerationReport]:
    """A small default demo without content (``scale=0.2, content=False``), for a class that reads it."""
    with _rolled_back_after(django_db_blocker):
        with django_db_blocker.unblock():
            report = generator.generate_default(scale=SMALL, content=False)
        yield report


@pytest.fixture(scope="class")
def command_demo(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """The demo ``manage.py demo_territory --scale 0.2`` generates; return its accounts file."""
    path = tmp_path_factory.mktemp("demo") / "accounts.csv"
    with _rolled_back_after(django_db_blocker):
        with django_db_blocker.unblock():
            call_command("demo_territory", "--scale", str(SMALL), accounts_file=path, stdout=StringIO())
        yield path
