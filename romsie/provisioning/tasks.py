"""Background work of the provisioning app: apply an import started from the web pages.

The task runs a service (``services.import_run_execute``), so what starts it lives here too,
beside it (:func:`import_apply_start`, :func:`import_resume`): ``services`` never imports this
module back (no import cycle; ``pyproject.toml``'s ``acyclic_siblings`` contract).
"""

from __future__ import annotations

import threading

from django.db import IntegrityError, connections, transaction
from django.utils.translation import gettext as _
from django_tasks import task

from romsie.core.errors import ApplicationError
from romsie.core.tasks import enqueue_on_commit

from . import services
from .models import ImportRun


@task()
def import_run_apply(run_id: int) -> None:
    """Apply a web import from its stored files; the run's row shows the progress, then the report.

    Each batch commits on its own, so the run page sees the progress while the task runs. In
    the embedded default the task runs in a thread of its own (named ``task-<id>``): its
    database connections are closed when it ends, so a long-lived connection is never left
    behind in a finished thread.
    """
    try:
        services.import_run_execute(run_id=run_id)
    finally:
        if threading.current_thread().name.startswith("task-"):
            connections.close_all()


def already_applied(run_id: int) -> ApplicationError:
    """The preview is already applied, or being applied: ``extra["run_id"]`` is the applied run."""
    return ApplicationError(_("This import is already being applied: here is its progress."), extra={"run_id": run_id})


@transaction.atomic
def import_apply_start(*, preview: ImportRun, actor_id: int | None) -> ImportRun:
    """Create the applied run of a preview and apply it in the background (:func:`import_run_apply`).

    Raise :func:`already_applied`'s error when the preview already has its applied run: of several
    "Apply" clicks at once, the preview's row lock lets one create the run and the others find it.
    """
    ImportRun.objects.select_for_update().filter(pk=preview.pk).values_list("pk").get()
    existing = ImportRun.objects.filter(applied_from_id=preview.pk).values_list("pk", flat=True).first()
    if existing is not None:
        raise already_applied(existing)
    try:
        with transaction.atomic():  # a savepoint: SQLite has no row locks, the one-to-one key decides
            run = ImportRun.objects.create(
                establishment_id=preview.establishment_id,
                territory_id=preview.territory_id,
                created_by_id=actor_id,
                source=preview.source,
                mode=ImportRun.Mode.APPLIED,
                status=ImportRun.Status.RUNNING,
                storage_paths=preview.storage_paths,
                mapping=preview.mapping,
                files=preview.files,
                applied_from=preview,
            )
    except IntegrityError as error:
        existing = ImportRun.objects.filter(applied_from_id=preview.pk).values_list("pk", flat=True).first()
        if existing is None:
            raise
        raise already_applied(existing) from error
    enqueue_on_commit(import_run_apply, run.pk)
    return run


def import_resume(*, run: ImportRun) -> bool:
    """Apply an interrupted run again in the background; return False when it is not interrupted.

    What the stopped worker committed stays: the task plans against the database as it is, so
    only what is missing is written. The task takes the run first (``services._run_claim``), so two
    resumes, or a resume beside a worker that is in fact alive, still apply it once.
    """
    if not run.can_resume:
        return False
    enqueue_on_commit(import_run_apply, run.pk)
    return True
