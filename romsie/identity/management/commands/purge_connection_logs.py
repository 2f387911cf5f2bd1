"""Delete sign-in records older than one year; run it daily from the scheduler."""

from typing import Any

from django.core.management.base import BaseCommand

from romsie.identity.services import connection_logs_purge


class Command(BaseCommand):
    help = "Delete sign-in records older than one year."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = connection_logs_purge()
        self.stdout.write(f"{deleted} sign-in records older than one year deleted.")
