"""Tell students and guardians about newly published marks; run it every ten minutes from the scheduler."""

from typing import Any

from django.core.management.base import BaseCommand

from romsie.assessment.services import marks_published_notify


class Command(BaseCommand):
    help = (
        "Notify the students and guardians of every assessment whose publication day has come, that has "
        "marks and was not announced yet, then mark it announced. Safe to run again, or twice at once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = marks_published_notify()
        self.stdout.write(f"{count} assessments announced.")
