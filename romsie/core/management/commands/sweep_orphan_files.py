"""Delete the stored files no row references (a worker killed before its commit); run it hourly or daily.

See ``romsie.core.orphans``: files younger than ``ORPHAN_FILE_GRACE_MINUTES`` (one hour) are kept,
``--dry-run`` only lists what would be deleted.
"""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.template.defaultfilters import filesizeformat

from romsie.core import orphans


class Command(BaseCommand):
    help = "Delete the stored files that no row references, older than the grace delay (default one hour)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list the orphans, delete nothing")
        parser.add_argument(
            "--grace-minutes", type=int, default=None, help="keep files younger than this (ORPHAN_FILE_GRACE_MINUTES)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = options["grace_minutes"]
        report = orphans.sweep(
            grace=None if minutes is None else timedelta(minutes=minutes), dry_run=options["dry_run"]
        )
        if options["dry_run"]:
            for name in report.orphans:
                self.stdout.write(name)
        verb = "would be deleted (dry run)" if options["dry_run"] else "deleted"
        self.stdout.write(
            f"{report.examined} files examined under {', '.join(report.prefixes) or 'no folder'}: "
            f"{report.referenced} referenced, {report.recent} too recent to judge, "
            f"{len(report.orphans)} orphans {verb} ({filesizeformat(report.orphan_bytes)})."
        )
