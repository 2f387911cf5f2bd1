"""An import whose worker died is shown as interrupted and resumes; a preview is applied once only.

The PostgreSQL tests use real processes and real connections: a ``manage.py db_worker`` killed in
the middle of an import, and ten "Apply" clicks at the same time from ten threads.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from romsie.core.testing.concurrency import committed_db
from romsie.core.testing.world import World
from romsie.identity.models import User
from romsie.identity.services import username_base
from romsie.provisioning.models import ImportRun
from romsie.schooling.models import SchoolClass

from .conftest import FIXTURES
from .test_views import upload, uploads

ClientFor = Callable[[Any], Client]
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
NEVER_RUN = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # enqueued, never run
ONDE_PEOPLE = 165
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and other processes need PostgreSQL"
)


@pytest.fixture
def client_for(client_for: ClientFor) -> ClientFor:
    def make(user: Any) -> Client:
        client = client_for(user)
        client.cookies["django_language"] = "en"
        return client

    return make


def _preview(client: Client) -> ImportRun:
    upload(client, "onde", uploads(FIXTURES / "onde"))
    return ImportRun.objects.get(mode="preview")


def _page(client: Client, run: ImportRun) -> str:
    return client.get(reverse("provisioning:run-detail", args=[run.pk])).content.decode()


@pytest.mark.django_db
def test_a_run_without_a_sign_of_life_is_interrupted_and_resumes(
    world: World, client_for: ClientFor, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world.a.head)
    preview = _preview(client)
    people_before = User.objects.count()
    settings.TASKS = NEVER_RUN  # the worker dies before it starts
    client.post(reverse("provisioning:run-apply", args=[preview.pk]))
    run = ImportRun.objects.get(mode="applied")
    stored = list(run.storage_paths)
    resume_url = reverse("provisioning:run-resume", args=[run.pk])

    # Recently started: in progress, polled, no resume button; resuming it does nothing.
    running = _page(client, run)
    assert "Import in progress" in running and 'hx-trigger="every 2s"' in running and resume_url not in running
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        follow = client.post(resume_url, follow=True).content.decode()
    assert "This import cannot be resumed" in follow
    assert User.objects.count() == people_before

    # Ten minutes and more without a sign of life: interrupted, in the history too.
    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=11))
    interrupted = _page(client, run)
    assert "Import interrupted" in interrupted and 'hx-trigger="every 2s"' not in interrupted
    assert f'<form method="post" action="{resume_url}"' in interrupted and "Resume the import" in interrupted
    listing = client.get(reverse("provisioning:run-list")).content.decode()
    assert '<span class="badge">Interrupted</span>' in listing

    with django_capture_on_commit_callbacks(execute=True):
        client.post(resume_url)

    run.refresh_from_db()
    resumed = _page(client, run)
    assert "The import has resumed." in resumed and "Report of the import" in resumed
    assert run.status == "succeeded" and run.finished_at is not None and not run.is_interrupted
    assert User.objects.count() == people_before + ONDE_PEOPLE
    assert run.storage_paths == [] and not any(default_storage.exists(p) for p in stored)


@pytest.mark.django_db
def test_a_run_taken_by_a_live_worker_is_not_applied_twice(world: World, client_for: ClientFor, settings: Any) -> None:
    """A task delivered twice, or a resume beside a worker that is alive, does nothing."""
    from romsie.provisioning.services import import_run_execute

    client = client_for(world.a.head)
    preview = _preview(client)
    settings.TASKS = NEVER_RUN
    client.post(reverse("provisioning:run-apply", args=[preview.pk]))
    run = ImportRun.objects.get(mode="applied")
    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())  # a worker has it
    people_before = User.objects.count()

    import_run_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == "running" and User.objects.count() == people_before


@pytest.mark.django_db
def test_an_interrupted_run_whose_files_are_gone_asks_for_a_new_import(world: World, client_for: ClientFor) -> None:
    """A command-line run keeps no files: it shows as interrupted, without a resume button."""
    run = ImportRun.objects.create(
        establishment=world.a.establishment, source="onde", mode="applied", status="running", progress_total=4
    )
    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(hours=1))
    client = client_for(world.a.head)

    page = _page(client, run)
    answer = client.post(reverse("provisioning:run-resume", args=[run.pk]), follow=True).content.decode()

    assert "Import interrupted" in page and "Its files are no longer kept" in page
    assert reverse("provisioning:run-resume", args=[run.pk]) not in page
    assert "This import cannot be resumed" in answer
    run.refresh_from_db()
    assert run.status == "running"


@postgresql_only
@committed_db
def test_an_import_whose_worker_is_killed_is_shown_interrupted_then_resumes(
    world: World, client_for: ClientFor, settings: Any, tmp_path: Path
) -> None:
    """A real ``manage.py db_worker`` is killed between two batches; the page offers to resume."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **django_settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_for(world.a.head)
    preview = _preview(client)
    people_before = User.objects.count()
    client.post(reverse("provisioning:run-apply", args=[preview.pk]))
    run = ImportRun.objects.get(mode="applied")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "TASKS_BACKEND": "database",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "ROMSIE_VAR_DIR": str(tmp_path),
        "CONN_MAX_AGE": "0",
    }
    env.pop("REDIS_URL", None)
    manage = Path(django_settings.BASE_DIR) / "manage.py"

    # An uncommitted account holds the username the import gives its first pupil: the worker
    # commits the structure (first batch), then its people batch waits on that name (a unique
    # index), and is killed there, in the middle of its transaction.
    with transaction.atomic():
        User.objects.create(username=username_base("Tom", "LEROY"))
        worker = subprocess.Popen(  # noqa: S603  # our own manage.py, arguments written here
            [sys.executable, str(manage), "db_worker", "--no-startup-delay", "--interval", "0.2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 60
            while not _worker_waits_after_a_batch(run.pk):
                assert worker.poll() is None, worker.stderr.read().decode() if worker.stderr else ""
                assert time.monotonic() < deadline, "the worker never reached its second batch"
                time.sleep(0.1)
        finally:
            worker.kill()
            worker.wait(timeout=30)
        transaction.set_rollback(True)

    run.refresh_from_db()
    assert run.status == "running" and run.progress_done == 1 and run.progress_total > 1
    assert SchoolClass.objects.filter(establishment=world.a.establishment, code="CPA").exists()
    assert User.objects.count() == people_before  # the people batch died with its worker
    assert "Import in progress" in _page(client, run)  # not yet: the worker might only be slow

    settings.PROVISIONING_HEARTBEAT_TIMEOUT_SECONDS = 1
    time.sleep(1.1)
    page = _page(client, run)
    assert "Import interrupted" in page and "stopped after 1 of" in page
    assert reverse("provisioning:run-resume", args=[run.pk]) in page

    settings.TASKS = IMMEDIATE
    client.post(reverse("provisioning:run-resume", args=[run.pk]))

    run.refresh_from_db()
    assert run.status == "succeeded" and run.progress_done == run.progress_total
    assert User.objects.count() == people_before + ONDE_PEOPLE
    keys = list(User.objects.exclude(external_id="").values_list("external_id", flat=True))
    assert len(keys) == len(set(keys))
    assert SchoolClass.objects.filter(establishment=world.a.establishment, code="CPA").count() == 1
    assert "Report of the import" in _page(client, run)


def _worker_waits_after_a_batch(run_id: int) -> bool:
    """Tell whether the run committed a batch and another connection now waits for a lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # the statistics views are cached per transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        (waiting,) = cursor.fetchone()
    done = ImportRun.objects.filter(pk=run_id).values_list("progress_done", flat=True).get()
    return bool(waiting) and done >= 1


@postgresql_only
@committed_db
def test_ten_apply_clicks_at_once_apply_the_preview_once(world: World, client_for: ClientFor, settings: Any) -> None:
    client = client_for(world.a.head)
    preview = _preview(client)
    settings.TASKS = NEVER_RUN  # the clicks are what is tested, not the import itself
    clients = [client_for(world.a.head) for _ in range(10)]
    start = threading.Barrier(len(clients))
    results: list[tuple[int, str]] = []

    def click(c: Client) -> None:
        try:
            start.wait()
            response = c.post(reverse("provisioning:run-apply", args=[preview.pk]), follow=True)
            results.append((response.status_code, response.content.decode()))
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=click, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    run = ImportRun.objects.get(mode="applied")
    assert [status for status, _page in results] == [200] * 10
    assert sum("The import has started." in page for _status, page in results) == 1
    assert sum("This import is already being applied" in page for _status, page in results) == 9
    assert run.applied_from_id == preview.pk
