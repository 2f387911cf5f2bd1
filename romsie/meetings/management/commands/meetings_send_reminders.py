"""Remind guardians and teachers of their meetings the day before (run every few minutes)."""

from typing import Any

from django.core.management.base import BaseCommand

from romsie.meetings.services import reminders_send


class Command(BaseCommand):
    help = "Remind guardians and teachers of the parent–teacher meetings of the next 24 hours (once each)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = reminders_send()
        self.stdout.write(f"{count} meetings reminded")
