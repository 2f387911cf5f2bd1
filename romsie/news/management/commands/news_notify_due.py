"""Notify the recipients of scheduled news whose publication time has come.

Run it every few minutes (cron or a systemd timer): ``manage.py news_notify_due``. News
published at once are notified when saved; this command catches the scheduled ones.
"""

from typing import Any

from django.core.management.base import BaseCommand

from romsie.news.services import news_notify_due


class Command(BaseCommand):
    help = "Notify the recipients of scheduled news and must-read notices that became visible."

    def handle(self, *args: Any, **options: Any) -> None:
        count = news_notify_due()
        self.stdout.write(f"{count} notification(s) written.")
