"""A concrete audience model for tests of the idiom (``notice_model`` fixture).

The idiom is an abstract model; this fixture gives it a concrete model whose tables live only
inside the test's transaction and which leaves the app registry afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import connection, models

from romsie.establishments.models import Establishment
from romsie.schooling import audiences


@pytest.fixture
def notice_model(db: None) -> Iterator[type[audiences.Audience]]:
    """A concrete audience model (a notice of an establishment), its tables made for this test."""

    class Notice(audiences.Audience):
        """A notice for an audience (tests only)."""

        establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
        title = models.CharField(max_length=50)

        class Meta:
            app_label = "schooling"

    editor = connection.schema_editor()
    editor.deferred_sql = []
    editor.create_model(Notice)  # also the two link tables; the test's transaction drops them
    for sql in editor.deferred_sql:
        editor.execute(sql)
    try:
        yield Notice
    finally:
        registered = apps.all_models["schooling"]
        for name in [n for n, m in registered.items() if m is Notice or m._meta.auto_created is Notice]:
            del registered[name]
        apps.clear_cache()
