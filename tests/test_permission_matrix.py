"""Every URL × every role × an object of one's own establishment and of another one, GET and POST.

The expected answers are kept in the tables below and in each app's ``tests/matrix.py``,
in the same columns:

* ``MATRIX``: the answers to a GET, one line per URL name (and per object kind for URLs
  that take an object). A URL of the project missing from it fails the test, so a new page
  cannot be forgotten.
* ``POST_MATRIX``: the answers to a POST, one line per URL name and object kind, for every
  URL whose view accepts POST (a POST-only action or a form): ``require_POST`` /
  ``require_http_methods``, a class-based view with a ``post`` handler, or a function view
  that reads ``request.POST``, ``request.FILES`` or ``request.method`` (itself or through a
  helper of the app that takes the request). Such a URL without a POST row fails the test;
  a URL whose view refuses POST may still have a row (405).
* ``OBJECTS``: URL-argument builders, ``(world, which) -> kwargs``, for URLs that take an
  object (or that need a service switched on first).
* ``POST_DATA``: optional body builders, ``(world, which) -> dict``, for POSTs that would be
  a no-op with an empty body (an action named in a field, an id to act on). Without one the
  POST is sent empty: forms re-render with their errors (200), actions without fields run.

Columns: the people of establishment ``a`` of the shared world (``romsie.core.testing.world``)
plus an anonymous visitor and a territory admin. Object kinds: ``-`` (no object),
``own`` (an object of establishment ``a``), ``other`` (the same kind of object in
establishment ``c``, of another territory: it must answer 404 to everybody).

Statuses: 200 page (after a POST: a form shown again with its errors), 302 redirect
(sign-in for anonymous; after a POST, usually done), 403 refused, 404 not found, 405 method
not allowed. In ``POST_MATRIX`` a ``+`` after the status (``302+``) says that the POST added or
removed rows (the action ran); without it, no table's row count changed.

Every POST runs in a savepoint rolled back afterwards, so each cell starts from the same
rows whatever the cells before it did (an allowed delete does not hide the object from the
next column). The number of rows of every table is taken before and after each POST (one
``UNION ALL`` query), which gives the ``+``. A refused POST (403, 404, 405, or a redirect to
sign-in for an anonymous visitor) must change no row at all, whatever its row says: the
content of every table is compared before and after it (one ``UNION ALL`` query too: every
row as text, hashed on PostgreSQL), so a field changed in place shows as well as a row added
or removed. A table that legitimately changes on any request would be left out of both by
``UNCOUNTED_TABLES``, with the reason (none today: sessions, sign-in attempts, connection
logs and audit events included).

The clients of one test share one request handler (``_handler``): loading the middleware
costs more than a request, and would otherwise be paid by each of the twelve clients.
"""

from __future__ import annotations

import copy
import functools
import importlib
import inspect
import re
import types
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.client import ClientHandler
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
core:readiness                     -      | 200  200  200  200  200  200  200  200  200  200  200  200
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
identity:second-factor             -      | 302  302  302  302  302  302  302  302  302  302  302  302
identity:second-factor-settings    -      | 302  404  404  200  404  200  200  200  200  200  200  200
identity:second-factor-enrol       -      | 302  404  404  200  404  200  200  200  200  200  200  200
identity:recovery-codes            -      | 302  405  405  405  405  405  405  405  405  405  405  405
identity:second-factor-disable     -      | 302  404  404  200  404  200  200  200  200  200  200  200
directory:person-search            -      | 302  200  200  200  403  200  200  200  200  200  200  403
directory:person-detail            own    | 302  200  200  200  403  200  200  200  200  200  200  403
directory:person-detail            other  | 302  404  404  404  403  404  404  404  404  404  404  403
directory:class-list               -      | 302  200  200  200  403  200  200  200  200  200  200  403
directory:class-detail             own    | 302  200  404  200  403  200  200  200  200  200  200  403
directory:class-detail             other  | 302  404  404  404  403  404  404  404  404  404  404  403
directory:staff-list               -      | 302  200  200  200  403  200  200  200  200  200  200  403
core:manifest                      -      | 200  200  200  200  200  200  200  200  200  200  200  200
core:service-worker                -      | 200  200  200  200  200  200  200  200  200  200  200  200
"""

# url name                         object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
core:set-language                  -      | 302  302  302  302  302  302  302  302  302  302  302  302
identity:sign-in                   -      | 200  302  302  302  302  302  302  302  302  302  302  302
identity:sign-out                  -      | 302  302+ 302+ 302+ 302+ 302+ 302+ 302+ 302+ 302+ 302+ 302+
identity:sign-out-everywhere       -      | 302  302  302  302  302  302  302  302  302  302  302  302
identity:activate                  -      | 200  200  200  200  200  200  200  200  200  200  200  200
identity:activate-password         -      | 302  302  302  302  302  302  302  302  302  302  302  302
identity:profile                   -      | 302  200  200  200  200  200  200  200  200  200  200  200
identity:password-change           -      | 302  200  200  200  200  200  200  200  200  200  200  200
identity:context-switch            -      | 302  302  302  302  302  302  302  302  302  302  302  302
identity:password-reset            -      | 200  200  200  200  200  200  200  200  200  200  200  200
identity:password-reset-confirm    -      | 200  200  200  200  200  200  200  200  200  200  200  200
identity:second-factor             -      | 302  302  302  302  302  302  302  302  302  302  302  302
identity:second-factor-enrol       -      | 302  404  404  200+ 404  200+ 200+ 200+ 200+ 200+ 200+ 200+
identity:recovery-codes            -      | 302  404  404  302  404  302  302  302  302  302  302  302
identity:second-factor-disable     -      | 302  404  404  302+ 404  302+ 302+ 302+ 302+ 302+ 302+ 302+
"""

# How to build the URL arguments of URLs that take an object: (world, "own"|"other") -> kwargs.
OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "identity:password-reset-confirm": lambda w, which: {"uidb64": "MQ", "token": "set-password"},
    "directory:person-detail": lambda w, which: {"pk": (w.a if which == "own" else w.c).teacher.pk},
    "directory:class-detail": lambda w, which: {"pk": (w.a if which == "own" else w.c).school_class.pk},
}

# Bodies of POSTs that would do nothing when empty: (world, "own"|"other"|"-") -> data.
POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    # Switch to establishment c, where nobody of a has a role: refused by the scope (302, no change).
    "identity:context-switch": lambda w, which: {"establishment": str(w.c.establishment.pk)},
    "core:set-language": lambda w, which: {"language": "en"},
}


def _app_modules() -> list[Any]:
    """The ``tests/matrix.py`` modules of the project's apps."""
    from django.apps import apps

    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("romsie."):
            continue
        try:
            modules.append(importlib.import_module(f"{config.name}.tests.matrix"))
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.tests.matrix":
                raise
    return modules


def _app_matrices() -> tuple[str, str]:
    """Add the rows, object builders and bodies each app keeps in its ``tests/matrix.py``."""
    get_text, post_text = MATRIX, POST_MATRIX
    for module in _app_modules():
        get_text += getattr(module, "MATRIX", "")
        post_text += getattr(module, "POST_MATRIX", "")
        OBJECTS.update(getattr(module, "OBJECTS", {}))
        POST_DATA.update(getattr(module, "POST_DATA", {}))
    return get_text, post_text


def parse_matrix(text: str, *, post: bool = False) -> list[tuple[str, str, dict[str, Any]]]:
    """Rows ``(url name, object kind, {column: status})``; a POST status is a string (``"302+"``)."""
    rows = []
    for line in text.strip().splitlines():
        if not line.strip():
            continue
        left, right = line.split("|")
        name, which = left.split()
        cells = right.split()
        assert len(cells) == len(COLUMNS), f"{name}: {len(cells)} statuses for {len(COLUMNS)} columns"
        pattern = r"\d{3}\+?" if post else r"\d{3}"
        assert all(re.fullmatch(pattern, cell) for cell in cells), f"{name} [{which}]: bad status in {cells}"
        statuses: list[Any] = cells if post else [int(cell) for cell in cells]
        rows.append((name, which, dict(zip(COLUMNS, statuses, strict=True))))
    return rows


_GET_TEXT, _POST_TEXT = _app_matrices()
ROWS = parse_matrix(_GET_TEXT)
POST_ROWS = parse_matrix(_POST_TEXT, post=True)


def _project_patterns() -> dict[str, Any]:
    from django.conf import settings

    exempt = set(settings.ROMSIE_ACCESS_EXEMPT_NAMESPACES)
    patterns = {}
    for namespaces, pattern in iter_patterns():
        if exempt & set(namespaces) or not pattern.name:
            continue
        patterns[":".join((*namespaces, pattern.name))] = pattern.callback
    return patterns


def project_url_names() -> set[str]:
    return set(_project_patterns())


_READS_POST = re.compile(r"request\.(POST|FILES|method)\b")


def _declared_methods(view: Callable[..., Any]) -> set[str] | None:
    """The methods a view declares (``require_http_methods``, a class's handlers); None: any."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return {method.upper() for method in view_class.http_method_names if hasattr(view_class, method)}
    func: Any = view
    while func is not None:
        cells = dict(zip(func.__code__.co_freevars, (c.cell_contents for c in func.__closure__ or ()), strict=True))
        if "request_method_list" in cells:  # the closure of django.views.decorators.http.require_http_methods
            return set(cells["request_method_list"])
        func = getattr(func, "__wrapped__", None)
    return None


def _names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


def _reads_post(func: Callable[..., Any], seen: set[Any]) -> bool:
    """Whether a function view (or a helper of the project taking the request) handles a POST."""
    func = inspect.unwrap(func)
    if func in seen:
        return False
    seen.add(func)
    if _READS_POST.search(inspect.getsource(func)):
        return True
    for name in _names(func.__code__):
        helper = func.__globals__.get(name)
        if (
            isinstance(helper, types.FunctionType)
            and helper.__module__.startswith("romsie.")
            and "request" in inspect.signature(helper).parameters
            and _reads_post(helper, seen)
        ):
            return True
    return False


def accepts_post(view: Callable[..., Any]) -> bool:
    """Whether a view takes a POST: POST-only actions and forms alike."""
    methods = _declared_methods(view)
    if methods is not None:
        return "POST" in methods
    return _reads_post(view, set())


def test_every_url_is_in_the_matrix() -> None:
    """Every URL has GET rows; every URL whose view takes a POST has POST rows, for each object kind."""
    in_table = {name for name, _, _ in ROWS}
    missing = project_url_names() - in_table
    assert not missing, f"URLs missing from the permission matrix: {sorted(missing)}"
    unknown = in_table - project_url_names()
    assert not unknown, f"Matrix rows for URLs that no longer exist: {sorted(unknown)}"

    in_post_table = {name for name, _, _ in POST_ROWS}
    taking_post = {name for name, view in _project_patterns().items() if accepts_post(view)}
    missing = taking_post - in_post_table
    assert not missing, f"URLs taking a POST missing from the POST matrix (POST_MATRIX): {sorted(missing)}"
    unknown = in_post_table - project_url_names()
    assert not unknown, f"POST rows for URLs that no longer exist: {sorted(unknown)}"
    get_kinds = {(name, which) for name, which, _ in ROWS if name in taking_post}
    lacking = get_kinds - {(name, which) for name, which, _ in POST_ROWS}
    assert not lacking, f"Object kinds with a GET row but no POST row: {sorted(lacking)}"


def test_post_matrix_detects_the_views_taking_a_post() -> None:
    """The detection of ``accepts_post`` on views of each kind, so that it cannot silently miss one."""
    patterns = _project_patterns()
    expected = {
        "identity:sign-out": True,  # class-based, post only
        "identity:password-reset-done": False,  # class-based, get only
        "notifications:notification-read-all": True,  # require_POST
        "core:health": False,  # require_GET
        "news:item-create": True,  # a form, through a helper that takes the request
        "news:item-delete": True,  # a confirmation page reading request.method
        "directory:person-search": False,  # reads request.GET only
    }
    assert {name: accepts_post(patterns[name]) for name in expected} == expected


def test_object_urls_are_tested_with_another_establishments_object() -> None:
    for rows in (ROWS, POST_ROWS):
        kinds: dict[str, set[str]] = {}
        for name, which, _ in rows:
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


@functools.cache
def _handler() -> ClientHandler:
    """One request handler for every client of this module.

    Loading the middleware takes longer than a request (WhiteNoise lists every static file),
    and a test client loads it on its first request: shared, it is loaded once per run, not
    once per client (12 per row).
    """
    return ClientHandler(enforce_csrf_checks=False)


def _clients(world: World, client_for: Any) -> dict[str, Client]:
    """A test client per column, signed in as that person (anonymous: not signed in)."""
    clients = {}
    for column in COLUMNS:
        client = client_for(_actor(world, column))
        client.handler = _handler()
        clients[column] = client
    return clients


@pytest.mark.parametrize(("name", "which", "expected"), ROWS, ids=[f"{n}[{w}]" for n, w, _ in ROWS])
def test_permission_matrix(world: World, client_for: Any, name: str, which: str, expected: dict[str, int]) -> None:
    kwargs = OBJECTS[name](world, which) if name in OBJECTS else {}
    url = reverse(name, kwargs=kwargs)
    clients = _clients(world, client_for)
    got = {column: clients[column].get(url).status_code for column in COLUMNS}
    assert got == expected, f"{name} [{which}]: differences " + ", ".join(
        f"{c}: expected {expected[c]} got {got[c]}" for c in COLUMNS if got[c] != expected[c]
    )


# Tables left out of the counts and fingerprints because their rows change on a request that
# changes nothing else (with the reason for each). None so far, every table is checked:
# - django_session: a refused POST saves no session (checked); signing out deletes one (302+);
# - axes_*: written on a sign-in attempt only (an empty sign-in form is not one);
# - identity_connectionlog: written on a successful sign-in only;
# - core_auditevent: refusals are not audited, only what was done.
UNCOUNTED_TABLES: frozenset[str] = frozenset()


def _tables() -> list[str]:
    return sorted(set(connection.introspection.table_names()) - UNCOUNTED_TABLES)


@functools.cache
def _count_query(vendor: str) -> str:
    quote = connection.ops.quote_name
    # Table names come from the database's own catalogue, quoted: nothing from a request.
    return " UNION ALL ".join(f"SELECT '{table}', COUNT(*) FROM {quote(table)}" for table in _tables())  # noqa: S608


def row_counts() -> dict[str, int]:
    """The number of rows of every table of the project (but ``UNCOUNTED_TABLES``), in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_count_query(connection.vendor))
        return dict(cursor.fetchall())


@functools.cache
def _content_query(vendor: str) -> str:
    # Table and column names come from the database's own catalogue, quoted: nothing from a request.
    quote = connection.ops.quote_name
    parts = []
    with connection.cursor() as cursor:
        for table in _tables():
            if vendor == "postgresql":  # every row as text, hashed; the sum of the hashes and the count
                # (no sort nor long string: the multiset of rows, seen whatever their order)
                digest = "coalesce(sum(hashtextextended(t::text, 0)), 0)::text || ':' || count(*)"
                content = f"{digest} FROM {quote(table)} t"
            else:  # SQLite: every value quoted, rows sorted and joined
                columns = [column.name for column in connection.introspection.get_table_description(cursor, table)]
                row = " || char(31) || ".join(f"quote({quote(column)})" for column in columns)
                rows = f"SELECT {row} AS r FROM {quote(table)} ORDER BY r"  # noqa: S608
                content = f"(SELECT group_concat(r, char(30)) FROM ({rows}))"  # noqa: S608
            parts.append(f"SELECT '{table}', {content}")
    return " UNION ALL ".join(parts)


def table_contents() -> dict[str, str]:
    """A fingerprint of the content of every table (but ``UNCOUNTED_TABLES``), in one query.

    It sees a field changed in place, which a row count does not: it is taken before and
    after every refused POST. (Text: every row on SQLite; on PostgreSQL the sum of a 64-bit hash of
    each row with their count, computed without sorting.)
    """
    with connection.cursor() as cursor:
        cursor.execute(_content_query(connection.vendor))
        return {table: content or "" for table, content in cursor.fetchall()}


def _refused(column: str, response: HttpResponse) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    sign_in = reverse("identity:sign-in")
    return column == "anon" and response.status_code == 302 and response["Location"].startswith(sign_in)


def _row_changes() -> dict[str, tuple[int, int, int]]:
    """PostgreSQL: rows inserted, updated and deleted so far in this transaction, per table.

    PostgreSQL counts them per transaction as they happen (``pg_stat_xact_user_tables``), rolled
    back or not, so the difference around a POST is what the POST wrote: one small query instead
    of counting and fingerprinting every row of every table. An update counts even when it
    writes the same values: stricter than comparing contents.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables")
        return {table: (ins, upd, dels) for table, ins, upd, dels in cursor.fetchall() if table not in UNCOUNTED_TABLES}


def _post(
    client: Client, column: str, url: str, data: dict[str, Any], before: dict[str, int], before_contents: dict[str, str]
) -> tuple[HttpResponse, dict[str, int], list[str]]:
    """POST in a savepoint rolled back afterwards.

    Return the answer, the row counts just after it and, when it was refused, the tables whose
    content it changed (none expected). On PostgreSQL the transaction's statistics say first
    whether the POST wrote anything at all (``_row_changes``): when it wrote nothing, the counts
    are ``before`` and no table changed, with no need to count or fingerprint every table;
    only a POST that wrote is counted, and fingerprinted if it was refused (a write rolled back
    inside the request still shows in the statistics, not in the rows).
    """
    for value in data.values():
        if hasattr(value, "seek"):
            value.seek(0)  # the same upload for every column
    cookies = copy.deepcopy(client.cookies)  # signing out or a message would change them
    postgres = connection.vendor == "postgresql"
    edited: list[str] = []
    with transaction.atomic():
        written_before = _row_changes() if postgres else {}
        response = client.post(url, data)
        wrote = not postgres or _row_changes() != written_before
        counts = row_counts() if wrote else before
        refused = _refused(column, response)
        contents = table_contents() if refused and wrote else {}
        transaction.set_rollback(True)
    if contents:
        if not before_contents:  # PostgreSQL takes the fingerprints only when a refused POST wrote
            before_contents.update(table_contents())
        edited = sorted(table for table in contents if contents[table] != before_contents.get(table))
    client.cookies = cookies
    cache.clear()  # nothing computed from the rolled-back rows may outlive them
    return response, counts, edited


POST_GROUPS: dict[str, list[tuple[str, dict[str, str]]]] = {}
for _name, _which, _expected in POST_ROWS:
    POST_GROUPS.setdefault(_name, []).append((_which, _expected))


@pytest.mark.parametrize("name", list(POST_GROUPS))
def test_post_matrix(world: World, client_for: Any, name: str) -> None:
    """Each role POSTs to the URL (each object kind): the answers, and a refused POST changes no row."""
    clients = _clients(world, client_for)
    cases = []
    for which, expected in POST_GROUPS[name]:
        kwargs = OBJECTS[name](world, which) if name in OBJECTS else {}
        data = POST_DATA[name](world, which) if name in POST_DATA else {}
        cases.append((which, reverse(name, kwargs=kwargs), data, expected))
    before = row_counts()
    before_contents = table_contents() if connection.vendor != "postgresql" else {}
    problems = []
    for which, url, data, expected in cases:
        for column in COLUMNS:
            response, after, edited = _post(clients[column], column, url, data, before, before_contents)
            changed = {table: f"{before.get(table)} -> {after.get(table)}" for table in before.keys() | after.keys()
                       if before.get(table) != after.get(table)}  # fmt: skip
            got = f"{response.status_code}{'+' if changed else ''}"
            if edited:
                problems.append(f"[{which}] {column}: refused ({response.status_code}) but rows changed in {edited}")
            elif got != expected[column]:
                problems.append(f"[{which}] {column}: expected {expected[column]} got {got} {changed or ''}")
    assert not problems, f"POST {name}: " + "; ".join(problems)


def test_table_fingerprints_see_a_field_changed_in_place(world: World) -> None:
    """The guard of refused POSTs sees an update, not only rows added or removed."""
    counts, contents = row_counts(), table_contents()
    student = world.a.student
    student.first_name = "Changed"
    student.save(update_fields=["first_name"])
    after = table_contents()
    assert row_counts() == counts
    assert [table for table in after if after[table] != contents[table]] == ["identity_user"]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_transactions_statistics_see_a_write_even_in_place(world: World) -> None:
    """On PostgreSQL a POST that wrote nothing is told by the statistics: they must see every write."""
    before = _row_changes()
    student = world.a.student
    student.first_name = "Changed"
    student.save(update_fields=["first_name"])
    after = _row_changes()
    assert [table for table in after if after[table] != before.get(table, (0, 0, 0))] == ["identity_user"]
