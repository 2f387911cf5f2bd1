"""``manage.py territory_create``: the platform operator sets up a territory and its first admin.

Idempotent on the name: a second run finds the territory, changes nothing and says so. The
first admin is an account without a password, activated with a code like everybody else's
(``identity.services.territory_admin_create``); the code is printed, or e-mailed with the
site's e-mail settings when ``--admin-email`` is given.

Exit codes: 0 created (or already there), 1 the e-mail could not be sent (nothing written),
2 unusable input (unknown kind, bad address): nothing written.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from romsie.core.access.scope import Scope
from romsie.core.errors import ApplicationError
from romsie.establishments import services as establishment_services
from romsie.establishments.models import Territory
from romsie.identity import services

EXIT_OK, EXIT_MAIL_FAILED, EXIT_UNUSABLE = 0, 1, 2
# The French words an operator types, and the model's own values.
KINDS = {
    "town": Territory.Kind.TOWN,
    "departement": Territory.Kind.DEPARTMENT,
    "department": Territory.Kind.DEPARTMENT,
    "region": Territory.Kind.REGION,
}


class Command(BaseCommand):
    help = (
        "Create a territory (nothing changes if one of that name exists) and its first admin, whose "
        "activation code is printed, or e-mailed with --admin-email. Exit code 0 = done, 1 = e-mail "
        "not sent (nothing written), 2 = unusable input (nothing written)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The territory's name, e.g. 'Ville de Chelles'.")
        parser.add_argument("--kind", required=True, help="town, departement or region.")
        parser.add_argument("--admin-email", default="", help="E-mail the first admin's activation code there.")
        parser.add_argument("--admin-first-name", default="Admin", help="First name of the first admin.")
        parser.add_argument("--admin-last-name", default="", help="Family name of the first admin (default: NAME).")

    def handle(self, *args: Any, **options: Any) -> None:
        sys.exit(self.run(**options))

    def run(self, **options: Any) -> int:
        name = options["name"].strip()
        kind = KINDS.get(options["kind"].strip().lower())
        email = options["admin_email"].strip()
        if not name:
            self.stderr.write("the territory needs a name; nothing written")
            return EXIT_UNUSABLE
        if kind is None:
            self.stderr.write(f"unknown kind {options['kind']!r}: choose town, departement or region; nothing written")
            return EXIT_UNUSABLE
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.stderr.write(f"invalid e-mail address {email!r}; nothing written")
                return EXIT_UNUSABLE
        scope = Scope(is_operator=True)
        try:
            with transaction.atomic():
                territory, created = establishment_services.territory_create(scope=scope, name=name, kind=kind)
                if not created:
                    self._say_exists(territory, kind)
                    return EXIT_OK
                # With an address the code is e-mailed inside the transaction: a mail that cannot
                # be sent raises, and the territory and its admin are rolled back.
                user, code = services.territory_admin_create(
                    scope=scope,
                    territory=territory,
                    first_name=options["admin_first_name"],
                    last_name=options["admin_last_name"] or name,
                    email=email,
                    mail_code=bool(email),
                )
                self.stdout.write(f"Territory {territory.name!r} created ({territory.kind}).")
                if email:
                    self.stdout.write(f"First admin: username {user.username}; activation code e-mailed to {email}.")
                else:
                    self.stdout.write(
                        f"First admin: username {user.username}, activation code {services.format_code(code)} "
                        f"(valid {services.CODE_VALIDITY.days} days), to enter at {services.activation_url()}"
                    )
        except ApplicationError as failure:
            if failure.extra.get("reason") != "mail_failed":
                raise
            self.stderr.write(f"could not send the activation e-mail ({failure.__cause__}); nothing written, run again")
            return EXIT_MAIL_FAILED
        return EXIT_OK

    def _say_exists(self, territory: Territory, kind: str) -> None:
        admins = territory.admins.count()
        self.stdout.write(
            f"Territory {territory.name!r} already exists ({territory.kind}, {admins} admin(s)): nothing changed."
        )
        if territory.kind != kind:
            self.stdout.write(f"Note: its kind is {territory.kind}, not {kind}; it was left as it is.")
