"""Background generation of report cards: the task renders a run's PDFs (``report_cards.render_run``).

``services.report_cards_request`` creates the run and calls :func:`enqueue_generation` inside its
transaction; the task starts once it commits (``core.tasks.enqueue_on_commit``). This module runs
``report_cards`` and is imported by ``services`` only (no import cycle).
"""

from __future__ import annotations

from django_tasks import task

from romsie.core.tasks import enqueue_on_commit

from . import report_cards


@task()
def report_cards_task(run_id: int) -> str:
    """Render the report cards of a run; return its final status."""
    return str(report_cards.render_run(run_id).status)


def enqueue_generation(run_id: int) -> None:
    """Generate the run's report cards in the background once the current transaction commits."""
    enqueue_on_commit(report_cards_task, run_id)
