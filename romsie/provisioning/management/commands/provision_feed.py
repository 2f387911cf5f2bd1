"""``manage.py provision_feed``: the territory operator's nightly import of AAF, ONDE or CSV files.

Exit codes: 0 applied (or previewed) cleanly, warnings allowed; 1 errors in the data (the
records in error were skipped and the rest applied, or nothing written with ``--strict`` or
``--dry-run``); 2 unusable input (bad file, bad usage, unknown territory): nothing written.

``--territory NAME`` (AAF): the establishments of the structure file (``EtabEducNat``) that the
ENT does not know yet are created in that territory, in the same plan as the people, so
``--dry-run`` lists them too. ``--dry-run`` writes nothing at all, not even the history row.
"""

from __future__ import annotations

import json
import sys
from itertools import groupby
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from romsie.establishments.models import Territory
from romsie.provisioning import aaf, services
from romsie.provisioning.records import FeedError

EXIT_OK, EXIT_DATA_ERRORS, EXIT_UNUSABLE = 0, 1, 2


class Command(BaseCommand):
    help = (
        "Import feed files (a folder or files): AAF XML for secondary schools, ONDE CSV for primary schools "
        "(--establishment required) or a generic CSV. Exit code 0 = clean, 1 = errors in the data, 2 = unusable input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="Folder(s) or file(s) to import.")
        parser.add_argument("--dry-run", action="store_true", help="Print the preview, write nothing.")
        parser.add_argument("--format", choices=services.FORMATS, default=None, help="Default: guessed from the names.")
        parser.add_argument("--establishment", default="", help="UAI of the school (required for ONDE and CSV).")
        parser.add_argument(
            "--territory",
            default="",
            help="Name of the territory where the establishments the AAF structure file lists are created if new.",
        )
        parser.add_argument("--strict", action="store_true", help="Write nothing if the data has any error.")
        parser.add_argument("--json", action="store_true", help="Print the plan as JSON instead of text.")

    def handle(self, *args: Any, **options: Any) -> None:
        sys.exit(self.run(**options))

    def run(self, **options: Any) -> int:
        try:
            files = services.feed_files(options["paths"])
            fmt = options["format"] or services.format_guess(files)
            if fmt in ("onde", "csv") and not options["establishment"]:
                self.stderr.write("--establishment UAI is required for ONDE and CSV files")
                return EXIT_UNUSABLE
            territory_id = None
            if options["territory"]:
                territory = Territory.objects.filter(name=options["territory"].strip()).first()
                if territory is None:
                    self.stderr.write(
                        f"no territory named {options['territory']!r} (create it with manage.py territory_create); "
                        "nothing written"
                    )
                    return EXIT_UNUSABLE
                if fmt != "aaf":
                    self.stderr.write("--territory creates establishments from AAF files only; nothing written")
                    return EXIT_UNUSABLE
                territory_id = territory.pk
            groups = self._groups(files, fmt)
            feeds = [
                services.feed_read(group, format=fmt, uai=options["establishment"], territory_id=territory_id)
                for group in groups
            ]
        except FeedError as exc:
            self.stderr.write(f"unusable input, nothing written: {exc}")
            return EXIT_UNUSABLE
        code = EXIT_OK
        for feed in feeds:
            if options["dry_run"]:
                plan, _run = services.import_preview(feed, record=False)
            else:
                plan, _run = services.import_apply(feed, strict=options["strict"])
            self.stdout.write(json.dumps(plan.as_dict(), indent=2) if options["json"] else plan.summary())
            if plan.errors:
                code = EXIT_DATA_ERRORS
        return code

    @staticmethod
    def _groups(files: list[Path], fmt: str) -> list[list[Path]]:
        """Group AAF files by date and mode (full, then deltas, in date order); other formats go as one."""
        if fmt != "aaf":
            return [files]
        ordered = sorted(files, key=aaf.file_sort_key)
        return [list(group) for _key, group in groupby(ordered, key=lambda p: aaf.file_sort_key(p)[0])]
