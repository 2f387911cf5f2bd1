"""Background work of marks and report cards: tell families about published marks, render report cards.

Each task runs a service or lower code, so what starts it lives here too (no import cycle, and
nothing below imports this module):

* "publish now" publishes, then enqueues the notification once the transaction commits; the
  ``notify_published_marks`` command runs the same service every ten minutes;
* the council's "Generate" button (:func:`report_cards_request`) creates the run and enqueues
  :func:`report_cards_task`, which calls ``report_cards.render_run`` once the transaction commits.
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
from .models import Assessment, Council, ReportCardRun


@task()
def marks_published_notify_task() -> int:
    """Tell families about every assessment published with marks and not yet announced; return how many."""
    return services.marks_published_notify()


def assessment_publish_now(*, scope: Scope, assessment: Assessment) -> Assessment:
    """Show an assessment's marks to families from today, and tell them once that is committed."""
    assessment = services.assessment_publish(scope=scope, assessment=assessment)
    enqueue_on_commit(marks_published_notify_task)
    return assessment


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
