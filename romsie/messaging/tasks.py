"""Background work of the messaging: notify the recipients of a message once it is sent.

``services`` enqueues these tasks; they run code below the services (selectors, models, core's
notifications) and never import ``services`` back (no import cycle; ``pyproject.toml``'s
``acyclic_siblings`` contract).
"""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from romsie.notifications.services import notify

from .models import Delivery, Message
from .selectors import mailboxes_changed


@task()
def message_notify(message_id: int) -> int:
    """Notify every recipient of a message, in bulk (runs after the sending transaction)."""
    message = Message.objects.select_related("sender").get(pk=message_id)
    ids = list(
        Delivery.objects.filter(message_id=message_id, folder=Delivery.Box.INBOX).values_list("recipient_id", flat=True)
    )
    mailboxes_changed(ids)
    return notify(
        "messaging.message",
        ids,
        params={"sender": message.sender.get_full_name(), "subject": message.subject},
        url=reverse("messaging:message-detail", args=[message_id]),
        establishment_id=message.establishment_id,
        actor_id=message.sender_id,
    )
