"""Delete what stayed in the trash, and versions replaced, longer than their territory allows (run daily)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat

from romsie.documents.services import purge_expired


class Command(BaseCommand):
    help = "Delete documents left in the trash beyond trash_days and versions replaced beyond version_days."

    def handle(self, *args: Any, **options: Any) -> None:
        report = purge_expired()
        self.stdout.write(
            f"{report.nodes} items of the trash and {report.versions} old versions deleted, "
            f"{filesizeformat(report.bytes_freed)} freed"
        )
