"""``manage.py territory_create``: the platform operator sets up a territory and its first admin.

Idempotent on the name: a second run finds the territory, changes nothing and says so. The
first admin is an account without a password, activated with a code like everybody else's
(``identity.services.territory_admin_create``); the code is printed, or e-mailed with the
site's e-mail settings when ``--admin-email`` is given.

Exit codes: 0 created (or already there), 1 the e-mail could not be sent (nothing written),
2 unusable input (unknown kind, bad address): nothing written.
"""

from __future__ import annotations

import smtplib
import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from romsie.core.access.scope import Scope
from romsie.establishments import services as establishment_services
from romsie.establishments.models import Territory
from romsie.identity import services
from romsie.identity.models import User

EXIT_OK, EXIT_MAIL_FAILED, EXIT_UNUSABLE = 0, 1, 2
# The French words an operator types, and the model's own values.
KINDS = {
    "town": Territory.Kind.TOWN,
    "departement": Territory.Kind.DEPARTMENT,
    "department": Territory.Kind.DEPARTMENT,
    "region": Territory.Kind.REGION,
}


class _MailFailed(Exception):
    """The activation e-mail could not be handed to the SMTP relay: roll everything back."""


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
                user, code = services.territory_admin_create(
                    scope=scope,
                    territory=territory,
                    first_name=options["admin_first_name"],
                    last_name=options["admin_last_name"] or name,
                    email=email,
                )
                self.stdout.write(f"Territory {territory.name!r} created ({territory.kind}).")
                if email:
                    self._mail(territory, user, code)
                    self.stdout.write(f"First admin: username {user.username}; activation code e-mailed to {email}.")
                else:
                    self.stdout.write(
                        f"First admin: username {user.username}, activation code {services.format_code(code)} "
                        f"(valid {services.CODE_VALIDITY.days} days), to enter at {_activation_url()}"
                    )
        except _MailFailed as failure:
            self.stderr.write(f"could not send the activation e-mail ({failure}); nothing written, run again")
            return EXIT_MAIL_FAILED
        return EXIT_OK

    def _say_exists(self, territory: Territory, kind: str) -> None:
        admins = territory.admins.count()
        self.stdout.write(
            f"Territory {territory.name!r} already exists ({territory.kind}, {admins} admin(s)): nothing changed."
        )
        if territory.kind != kind:
            self.stdout.write(f"Note: its kind is {territory.kind}, not {kind}; it was left as it is.")

    @staticmethod
    def _mail(territory: Territory, user: User, code: str) -> None:
        expires_on = timezone.localdate() + services.CODE_VALIDITY
        body = _(
            "Hello,\n\n"
            "An administrator account of the ENT has been opened for you for %(territory)s.\n\n"
            "To activate it, open %(url)s and enter:\n"
            "  username: %(username)s\n"
            "  activation code: %(code)s\n\n"
            "The code can be used once, until %(expires)s.\n"
        ) % {
            "territory": territory.name,
            "url": _activation_url(),
            "username": user.username,
            "code": services.format_code(code),
            "expires": formats.date_format(expires_on, "DATE_FORMAT"),
        }
        subject = _("Your administrator account for %(territory)s") % {"territory": territory.name}
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except (OSError, smtplib.SMTPException) as error:
            raise _MailFailed(str(error)) from error


def _activation_url() -> str:
    return str(settings.ROMSIE_PUBLIC_URL).rstrip("/") + reverse("identity:activate")
