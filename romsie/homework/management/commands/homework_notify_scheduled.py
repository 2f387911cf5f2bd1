"""Notify families of the scheduled log entries whose publication time has come (run every few minutes)."""

from typing import Any

from django.core.management.base import BaseCommand

from romsie.homework.services import scheduled_entries_notify


class Command(BaseCommand):
    help = "Notify the families of scheduled homework-log entries that are now published."

    def handle(self, *args: Any, **options: Any) -> None:
        count = scheduled_entries_notify()
        self.stdout.write(f"{count} scheduled entries notified")
