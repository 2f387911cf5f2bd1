"""Draw the places of the activities whose deadline has passed (run every few minutes; idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand

from romsie.registrations.services import activity_draw, draws_due


class Command(BaseCommand):
    help = "Draw the places of the activities allocated by a draw whose registration deadline has passed."

    def handle(self, *args: Any, **options: Any) -> None:
        ranked = drawn = 0
        for activity_id in draws_due():
            ranked += activity_draw(activity_id=activity_id)
            drawn += 1
        self.stdout.write(f"{drawn} draws run, {ranked} candidates ranked")
