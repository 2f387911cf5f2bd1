"""Send each person their daily digest of notifications; run it once a day from the scheduler."""

from typing import Any

from django.core.management.base import BaseCommand

from romsie.notifications.mail import send_digests


class Command(BaseCommand):
    help = (
        "Send one e-mail per person gathering their notifications waiting for the digest, then "
        "mark them sent. People in their quiet hours get it when the quiet hours end. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = send_digests()
        self.stdout.write(
            f"{report.sent} notifications sent in digests, {report.postponed} postponed, {report.failed} to retry."
        )
        for error in sorted(set(report.errors)):
            self.stderr.write(error)
