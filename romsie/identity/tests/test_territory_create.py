"""``manage.py territory_create``: a territory and its first admin, printed or mailed code."""

from __future__ import annotations

import re
import socket
from email import message_from_bytes
from email.message import Message
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from romsie.core.models import AuditEvent
from romsie.core.testing.fixtures import SMTPInbox
from romsie.establishments.models import Territory
from romsie.identity.models import ActivationCode, TerritoryAdmin, User
from romsie.identity.services import activation_code_check

# A first territory is created on an empty installation: the shared world steps aside.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_domain")]

CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b")


@pytest.fixture(autouse=True)
def _english_output(english: None) -> None:
    """The e-mail is read in English here."""


def command(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("territory_create", *args, stdout=out, stderr=err)
    return int(exit_info.value.code or 0), out.getvalue(), err.getvalue()


def table_rows() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_creates_the_territory_and_prints_its_first_admins_working_code() -> None:
    code, out, err = command("Ville de Chelles", "--kind", "town")

    assert (code, err) == (0, "")
    territory = Territory.objects.get()
    assert (territory.name, territory.kind) == ("Ville de Chelles", Territory.Kind.TOWN)
    admin = TerritoryAdmin.objects.select_related("user").get(territory=territory).user
    assert not admin.has_usable_password() and not admin.is_activated
    assert f"username {admin.username}" in out
    printed = CODE.search(out)
    assert printed is not None
    assert activation_code_check(username=admin.username, code=printed.group()) == admin
    assert ActivationCode.objects.get().establishment is None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"establishments.territory_created", "identity.territory_admin_appointed"} <= actions


def test_kind_departement_is_the_models_department() -> None:
    assert command("Département de Seine-et-Marne", "--kind", "departement")[0] == 0
    assert Territory.objects.get().kind == Territory.Kind.DEPARTMENT


def test_second_run_changes_nothing_and_says_so() -> None:
    command("Ville de Chelles", "--kind", "town")
    before = table_rows()

    code, out, _err = command("Ville de Chelles", "--kind", "region")

    assert code == 0
    assert "already exists (town, 1 admin(s)): nothing changed" in out
    assert "left as it is" in out
    assert CODE.search(out) is None
    assert table_rows() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Ville de Chelles", "--kind", "planet"), "unknown kind 'planet'"),
        (("Ville de Chelles", "--kind", "town", "--admin-email", "not-an-address"), "invalid e-mail address"),
        (("  ", "--kind", "town"), "needs a name"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(args: tuple[str, ...], message: str) -> None:
    before = table_rows()

    code, out, err = command(*args)

    assert code == 2 and message in err and out == ""
    assert table_rows() == before


def _body(envelope: Any) -> tuple[Message, str]:
    mail = message_from_bytes(envelope.content)
    payload = mail.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return mail, payload.decode(mail.get_content_charset() or "utf-8")


def test_admin_email_sends_the_code_over_smtp_instead_of_printing_it(smtp_server: SMTPInbox) -> None:
    code, out, _err = command("Ville de Chelles", "--kind", "town", "--admin-email", "dsi@chelles.example")

    assert code == 0
    assert CODE.search(out) is None and "e-mailed to dsi@chelles.example" in out
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["dsi@chelles.example"]
    mail, body = _body(envelope)
    assert "Ville de Chelles" in str(mail["Subject"])
    admin = TerritoryAdmin.objects.select_related("user").get().user
    assert admin.email == "dsi@chelles.example"
    assert f"username: {admin.username}" in body and "/compte/activation/" in body
    mailed = CODE.search(body)
    assert mailed is not None
    assert activation_code_check(username=admin.username, code=mailed.group()) == admin


def test_mail_that_cannot_be_sent_writes_nothing(settings: Any) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    before = table_rows()

    code, _out, err = command("Ville de Chelles", "--kind", "town", "--admin-email", "dsi@chelles.example")

    assert code == 1 and "nothing written" in err
    assert table_rows() == before
    assert not User.objects.exists()
