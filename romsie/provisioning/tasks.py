"""Background work of the provisioning app: apply an import started from the web pages."""

from __future__ import annotations

import threading

from django.db import connections
from django_tasks import task

from . import services


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
