"""Background work of marks: tell families about published marks.

The task runs a service (``services.marks_published_notify``), so what starts it lives here too
(no import cycle): "publish now" publishes, then enqueues the notification once the transaction
commits. The ``notify_published_marks`` command runs the same service every ten minutes.
"""

from __future__ import annotations

from django_tasks import task

from romsie.core.access.scope import Scope
from romsie.core.tasks import enqueue_on_commit

from . import services
from .models import Assessment


@task()
def marks_published_notify_task() -> int:
    """Tell families about every assessment published with marks and not yet announced; return how many."""
    return services.marks_published_notify()


def assessment_publish_now(*, scope: Scope, assessment: Assessment) -> Assessment:
    """Show an assessment's marks to families from today, and tell them once that is committed."""
    assessment = services.assessment_publish(scope=scope, assessment=assessment)
    enqueue_on_commit(marks_published_notify_task)
    return assessment
