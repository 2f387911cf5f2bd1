"""Every URL × every role × an object of one's own establishment and of another one.

The expected answers are kept in the table below and in each app's ``tests/matrix.py``
(``MATRIX`` rows in the same columns, ``OBJECTS`` URL-argument builders), one line per URL name (and per
object kind for URLs that take an object). A URL of the project missing from the
table fails the test, so a new page cannot be forgotten.

Columns: the people of establishment ``a`` of the shared world (``romsie.core.testing.world``)
plus an anonymous visitor and a territory admin. Object kinds: ``-`` (no object),
``own`` (an object of establishment ``a``), ``other`` (the same kind of object in
establishment ``c``, of another territory: it must answer 404 to everybody).

Statuses are the answers to a GET: 200 page, 302 redirect (sign-in for anonymous),
403 refused, 404 not found, 405 method not allowed (POST-only actions).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from romsie.core.checks import iter_patterns
from romsie.core.testing.world import World

COLUMNS = [
    "anon", "student", "parent", "teacher", "partner", "head", "school_life",
    "librarian", "office", "after_school", "digital_lead", "territory",
]  # fmt: skip

# url name                         object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
core:dashboard                     -      | 302  200  200  200  200  200  200  200  200  200  200  200
core:set-language                  -      | 302  302  302  302  302  302  302  302  302  302  302  302
core:health                        -      | 200  200  200  200  200  200  200  200  200  200  200  200
identity:sign-in                   -      | 200  302  302  302  302  302  302  302  302  302  302  302
identity:sign-out                  -      | 405  405  405  405  405  405  405  405  405  405  405  405
identity:sign-out-everywhere       -      | 302  405  405  405  405  405  405  405  405  405  405  405
identity:activate                  -      | 200  200  200  200  200  200  200  200  200  200  200  200
identity:activate-password         -      | 302  302  302  302  302  302  302  302  302  302  302  302
identity:charter                   -      | 200  200  200  200  200  200  200  200  200  200  200  200
identity:profile                   -      | 302  200  200  200  200  200  200  200  200  200  200  200
identity:password-change           -      | 302  200  200  200  200  200  200  200  200  200  200  200
identity:context-switch            -      | 302  405  405  405  405  405  405  405  405  405  405  405
identity:password-reset            -      | 200  200  200  200  200  200  200  200  200  200  200  200
identity:password-reset-done       -      | 200  200  200  200  200  200  200  200  200  200  200  200
identity:password-reset-confirm    -      | 200  200  200  200  200  200  200  200  200  200  200  200
identity:password-reset-complete   -      | 200  200  200  200  200  200  200  200  200  200  200  200
directory:person-search            -      | 302  200  200  200  403  200  200  200  200  200  200  403
directory:person-detail            own    | 302  200  200  200  403  200  200  200  200  200  200  403
directory:person-detail            other  | 302  404  404  404  403  404  404  404  404  404  404  403
directory:class-list               -      | 302  200  200  200  403  200  200  200  200  200  200  403
directory:class-detail             own    | 302  200  404  200  403  200  200  200  200  200  200  403
directory:class-detail             other  | 302  404  404  404  403  404  404  404  404  404  404  403
directory:staff-list               -      | 302  200  200  200  403  200  200  200  200  200  200  403
"""

# How to build the URL arguments of URLs that take an object: (world, "own"|"other") -> kwargs.
OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "identity:password-reset-confirm": lambda w, which: {"uidb64": "MQ", "token": "set-password"},
    "directory:person-detail": lambda w, which: {"pk": (w.a if which == "own" else w.c).teacher.pk},
    "directory:class-detail": lambda w, which: {"pk": (w.a if which == "own" else w.c).school_class.pk},
}


def _app_matrices() -> str:
    """Add the rows and object builders each app keeps in its ``tests/matrix.py``."""
    from django.apps import apps

    text = MATRIX
    for config in apps.get_app_configs():
        if not config.name.startswith("romsie."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.matrix")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.tests.matrix":
                raise
            continue
        text += getattr(module, "MATRIX", "")
        OBJECTS.update(getattr(module, "OBJECTS", {}))
    return text


def parse_matrix() -> list[tuple[str, str, dict[str, int]]]:
    rows = []
    for line in _app_matrices().strip().splitlines():
        if not line.strip():
            continue
        left, right = line.split("|")
        name, which = left.split()
        statuses = [int(s) for s in right.split()]
        assert len(statuses) == len(COLUMNS), f"{name}: {len(statuses)} statuses for {len(COLUMNS)} columns"
        rows.append((name, which, dict(zip(COLUMNS, statuses, strict=True))))
    return rows


ROWS = parse_matrix()


def project_url_names() -> set[str]:
    from django.conf import settings

    exempt = set(settings.ROMSIE_ACCESS_EXEMPT_NAMESPACES)
    names = set()
    for namespaces, pattern in iter_patterns():
        if exempt & set(namespaces) or not pattern.name:
            continue
        names.add(":".join((*namespaces, pattern.name)))
    return names


def test_every_url_is_in_the_matrix() -> None:
    in_table = {name for name, _, _ in ROWS}
    missing = project_url_names() - in_table
    assert not missing, f"URLs missing from the permission matrix: {sorted(missing)}"
    unknown = in_table - project_url_names()
    assert not unknown, f"Matrix rows for URLs that no longer exist: {sorted(unknown)}"


def test_object_urls_are_tested_with_another_establishments_object() -> None:
    kinds: dict[str, set[str]] = {}
    for name, which, _ in ROWS:
        kinds.setdefault(name, set()).add(which)
    for name, found in kinds.items():
        if name in OBJECTS and "own" in found:
            assert "other" in found, f"{name} has no row for another establishment's object"


def _actor(world: World, column: str) -> Any:
    if column == "anon":
        return None
    if column == "territory":
        return world.territory_admin
    return world.a.people[column]


@pytest.mark.parametrize(("name", "which", "expected"), ROWS, ids=[f"{n}[{w}]" for n, w, _ in ROWS])
def test_permission_matrix(world: World, client_for: Any, name: str, which: str, expected: dict[str, int]) -> None:
    kwargs = OBJECTS[name](world, which) if name in OBJECTS else {}
    url = reverse(name, kwargs=kwargs)
    got = {column: client_for(_actor(world, column)).get(url).status_code for column in COLUMNS}
    assert got == expected, f"{name} [{which}]: differences " + ", ".join(
        f"{c}: expected {expected[c]} got {got[c]}" for c in COLUMNS if got[c] != expected[c]
    )
