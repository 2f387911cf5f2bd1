"""The daily retention job: delete what is kept no longer than its delay; run it daily from the scheduler.

Sign-in records (one year), then every purge the apps register in ``romsie.core.retention``
(audit events, import history...), each after its own delay.
"""

from typing import Any

from django.core.management.base import BaseCommand

from romsie.core import retention
from romsie.identity.services import connection_logs_purge


class Command(BaseCommand):
    help = "Delete sign-in records older than one year, and audit events and import history past their delay."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = connection_logs_purge()
        self.stdout.write(f"{deleted} sign-in records older than one year deleted.")
        for label, count in retention.purge_expired().items():
            self.stdout.write(f"{count} {label} past their retention delay deleted.")
