"""Send the notification e-mails that are due; run it every minute from the scheduler."""

from typing import Any

from django.core.management.base import BaseCommand

from romsie.notifications.mail import send_pending


class Command(BaseCommand):
    help = (
        "Send the notification e-mails due now (after quiet hours, retries after an SMTP failure) "
        "and the digests held back by quiet hours. Safe to run again or concurrently."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = send_pending()
        self.stdout.write(f"{report.sent} sent, {report.postponed} postponed, {report.failed} to retry.")
        for error in sorted(set(report.errors)):
            self.stderr.write(error)
