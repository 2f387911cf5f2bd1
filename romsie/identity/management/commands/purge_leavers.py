"""Delete the accounts of people who left more than three months ago; run it daily."""

from typing import Any

from django.core.management.base import BaseCommand

from romsie.identity.services import leavers_purge


class Command(BaseCommand):
    help = "Delete accounts deactivated for three months (their deletion date has come)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = leavers_purge()
        self.stdout.write(f"{deleted} accounts deleted.")
