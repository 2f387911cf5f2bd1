"""Background work of notifications: send the e-mails that ``notify`` made due.

``services.notify`` enqueues the task; it runs ``mail`` (below the services) and never imports
``services`` back (no import cycle; ``pyproject.toml``'s ``acyclic_siblings`` contract).
"""

from __future__ import annotations

from django_tasks import task

from .mail import send_due_emails


@task()
def notification_emails_send() -> int:
    """Send the notification e-mails due now (queued by ``notify``); return how many were sent."""
    return send_due_emails().sent
