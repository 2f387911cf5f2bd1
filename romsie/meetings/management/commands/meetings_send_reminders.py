"""Tell guardians when an evening's booking opens, and remind meetings the day before (run every few minutes)."""

from typing import Any

from django.core.management.base import BaseCommand

from romsie.meetings.services import openings_announce, reminders_send


class Command(BaseCommand):
    help = (
        "Tell the guardians concerned when a meetings evening opens for booking, and remind guardians and "
        "teachers of the parent–teacher meetings of the next 24 hours (once each)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        opened = openings_announce()
        count = reminders_send()
        self.stdout.write(f"{opened} evenings announced, {count} meetings reminded")
