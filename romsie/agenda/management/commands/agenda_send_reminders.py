"""Send the agendas' reminders that are due (run every 5 minutes; each reminder is sent once)."""

from typing import Any

from django.core.management.base import BaseCommand

from romsie.agenda.services import reminders_send


class Command(BaseCommand):
    help = "Send the reminders of personal events and of accepted invitations that are due."

    def handle(self, *args: Any, **options: Any) -> None:
        count = reminders_send()
        self.stdout.write(f"{count} reminders sent")
