"""Background generation of report cards: the head's request, and the task rendering a run's PDFs.

:func:`report_cards_request` (called by the council's "Generate" button) creates the run and
enqueues :func:`report_cards_task` inside its transaction; the task starts once it commits
(``core.tasks.enqueue_on_commit``) and calls ``report_cards.render_run``. What starts a task
that runs lower code lives here with it, and nothing below imports this module (no cycle).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from romsie.core.access.scope import Scope
from romsie.core.errors import ApplicationError
from romsie.core.tasks import enqueue_on_commit

from . import report_cards, services
from .habilitations import AssessmentHabilitation as H
from .models import Council, ReportCardRun


@task()
def report_cards_task(run_id: int) -> str:
    """Render the report cards of a run; return its final status."""
    return str(report_cards.render_run(run_id).status)


@transaction.atomic
def report_cards_request(*, scope: Scope, council: Council) -> ReportCardRun:
    """Start generating a validated council's report cards in the background; a generation
    already under way is returned instead of starting a second one."""
    if not scope.has(H.MANAGE):
        raise ApplicationError(_("Only the head generates the report cards."))
    council = services.lock_council(council)
    if council.status != Council.Status.VALIDATED:
        raise ApplicationError(_("Validate the council before generating its report cards."))
    running = services.running_run(council)
    if running is not None:
        return running
    run = ReportCardRun.objects.create(
        establishment_id=council.establishment_id, council=council, requested_by_id=scope.user_id
    )
    enqueue_on_commit(report_cards_task, run.pk)
    return run
