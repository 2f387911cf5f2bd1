"""``manage.py demo_territory``: create the demo territory and list its sign-ins (logic in romsie.demo.generator)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from romsie.demo import generator


class Command(BaseCommand):
    help = (
        "Create a demo territory (a town with two primary schools and a collège, or with --size territory "
        "~300 establishments and ~300,000 accounts) and write its accounts to a CSV file. "
        "With --print-accounts alone, only print the key demo sign-ins of an existing demo."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=("default", "territory"), default="default", help="How much to create.")
        parser.add_argument(
            "--establishments",
            type=int,
            default=300,
            help="Number of establishments of --size territory (default 300).",
        )
        parser.add_argument("--seed", type=int, default=generator.DEFAULT_SEED, help="Seed: same seed, same people.")
        parser.add_argument(
            "--password",
            default=generator.DEFAULT_PASSWORD,
            help=f"Password of every activated demo account (default {generator.DEFAULT_PASSWORD}).",
        )
        parser.add_argument(
            "--accounts-file",
            type=Path,
            default=None,
            help="CSV file of the demo accounts (default: demo-accounts.csv in the var directory).",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if a territory already exists (for `make run`)."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="First delete every territory, establishment and person, and every row pointing to them.",
        )
        parser.add_argument(
            "--print-accounts",
            action="store_true",
            help="Print the key sign-ins from the accounts file; alone, generate nothing.",
        )
        # Shrinks the classes so the test suite can build the default demo in a moment.
        parser.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["accounts_file"] or generator.default_accounts_file()
        only_print = options["print_accounts"] and not (options["reset"] or options["if_empty"])
        if not only_print:
            self.generate(path, options)
        if options["print_accounts"]:
            self.print_accounts(path)

    def generate(self, path: Path, options: dict[str, Any]) -> None:
        if not options["password"]:
            raise CommandError("The demo password cannot be empty.")
        if options["establishments"] < 1:
            raise CommandError("--establishments must be at least 1.")
        if options["scale"] <= 0:
            raise CommandError("--scale must be positive.")
        # One transaction: if the generation fails, the data deleted by --reset comes back.
        with transaction.atomic():
            if options["reset"]:
                generator.delete_demo_data()
                self.stdout.write("Deleted the existing territories, establishments and people.")
            elif generator.demo_data_exists():
                if options["if_empty"]:
                    self.stdout.write("A territory already exists: nothing generated.")
                    return
                raise CommandError("A territory already exists: use --reset to replace it, or --if-empty.")
            common = {"seed": options["seed"], "password": options["password"], "scale": options["scale"]}
            if options["size"] == "territory":
                report = generator.generate_territory(establishments=options["establishments"], **common)
            else:
                report = generator.generate_default(**common)
        generator.refresh_statistics()
        generator.write_accounts_csv(path, report.listed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {report.territories} territories, {report.establishments} establishments and "
                f"{report.accounts:,} accounts: {report.rows:,} rows in {report.seconds:.1f} s "
                f"({report.rows_per_second:,.0f} rows/s)."
            )
        )
        self.stdout.write(f"Accounts file ({len(report.listed):,} of {report.accounts:,} accounts listed): {path}")

    def print_accounts(self, path: Path) -> None:
        if not path.exists():
            self.stderr.write(f"No demo accounts file at {path}: run `manage.py demo_territory --reset` to create one.")
            return
        rows = generator.key_accounts(generator.read_accounts_csv(path))
        if not rows:
            self.stderr.write(f"The demo accounts file {path} lists nobody.")
            return
        table = [
            (
                generator.account_label(row),
                row["establishment"],
                row["username"],
                row["password"] or f"activation code {row['activation_code']}",
            )
            for row in rows
        ]
        widths = [max(len(line[column]) for line in table) for column in range(3)]
        self.stdout.write("Demo sign-ins (username, then password or first-sign-in activation code):")
        for line in table:
            cells = [cell.ljust(width) for cell, width in zip(line[:3], widths, strict=True)]
            self.stdout.write("  " + "  ".join([*cells, line[3]]))
        self.stdout.write(f"Every demo account: {path}")
