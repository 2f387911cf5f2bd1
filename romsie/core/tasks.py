"""Background work: Django's tasks API (``django_tasks``), with an in-process backend for the
embedded default.

Which backend runs the tasks is a setting (``TASKS_BACKEND`` in the environment):

- ``thread`` (embedded default): each task runs in a daemon thread of the web process, after the
  enqueuing transaction commits; nothing else to start.
- ``immediate`` (tests): the task runs synchronously, after the enqueuing transaction commits.
- ``database`` (production): tasks are stored in PostgreSQL and run by ``manage.py db_worker``.

Enqueue with :func:`enqueue_on_commit` so a task never sees a row its request has not committed.

Every app keeps its tasks in its ``tasks.py``, importing the code they run and never imported
back by it (no cycle: the ``acyclic_siblings`` contract of ``pyproject.toml``).
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import close_old_connections, transaction
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task, TaskResult


class ThreadBackend(ImmediateBackend):
    """Run each task in its own daemon thread of the current process (no worker to start)."""

    def _execute_task(self, task_result: TaskResult[Any]) -> None:
        def run() -> None:
            try:
                super(ThreadBackend, self)._execute_task(task_result)
            finally:
                close_old_connections()

        threading.Thread(target=run, name=f"task-{task_result.id}", daemon=True).start()


def enqueue_on_commit(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
