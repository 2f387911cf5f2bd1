"""The operator's ``/operateur/``: territories, establishments and their admins, read-only with actions."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from romsie.core.models import AuditEvent
from romsie.core.testing.factories import EstablishmentFactory, TerritoryAdminFactory, TerritoryFactory, person
from romsie.core.testing.world import World
from romsie.establishments.models import Establishment
from romsie.identity.models import ActivationCode, Role, RoleAssignment, StaffFunction, TerritoryAdmin, User
from romsie.identity.services import activation_code_check

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User | None], Client]


@pytest.fixture
def operator(db: None) -> User:
    return User.objects.create_user("operateur", is_staff=True, is_superuser=True)


def pages(world: World) -> list[str]:
    head = RoleAssignment.objects.get(establishment=world.a.establishment, function=StaffFunction.HEAD)
    link = TerritoryAdmin.objects.get(user=world.territory_admin)
    return [
        reverse("admin:index"),
        reverse("admin:establishments_territory_changelist"),
        reverse("admin:establishments_territory_changelist") + "?q=Nord&kind=town",
        reverse("admin:establishments_territory_change", args=[world.north.pk]),
        reverse("admin:establishments_establishment_changelist"),
        reverse("admin:establishments_establishment_changelist") + f"?q=0771234A&territory__id__exact={world.north.pk}",
        reverse("admin:establishments_establishment_change", args=[world.a.establishment.pk]),
        reverse("admin:identity_territoryadmin_changelist"),
        reverse("admin:identity_territoryadmin_changelist") + "?q=" + world.territory_admin.last_name,
        reverse("admin:identity_territoryadmin_change", args=[link.pk]),
        reverse("admin:identity_territoryadmin_add_admin"),
        reverse("admin:identity_territoryadmin_add_admin") + f"?territoire={world.north.pk}",
        reverse("admin:identity_roleassignment_changelist") + "?admins=yes",
        reverse("admin:identity_roleassignment_changelist") + "?admins=no&role=student",
        reverse("admin:identity_roleassignment_change", args=[head.pk]),
    ]


def test_operator_sees_territories_establishments_and_their_admins(
    world: World, operator: User, client_for: ClientFor
) -> None:
    client = client_for(operator)
    for url in pages(world):
        assert client.get(url).status_code == 200, url
    listing = client.get(reverse("admin:identity_roleassignment_changelist") + "?admins=yes").content.decode()
    assert world.a.head.username in listing
    assert world.a.student.username not in listing


def test_pages_are_read_only_even_for_the_operator(world: World, operator: User, client_for: ClientFor) -> None:
    client = client_for(operator)
    before = Establishment.objects.count()
    assert client.get(reverse("admin:establishments_territory_add")).status_code == 403
    assert client.get(reverse("admin:establishments_establishment_add")).status_code == 403
    delete = reverse("admin:establishments_establishment_delete", args=[world.a.establishment.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:establishments_establishment_change", args=[world.a.establishment.pk])
    client.post(change, {"name": "Renamed", "uai": "0771234A"})
    world.a.establishment.refresh_from_db()
    assert world.a.establishment.name == "Collège Jean Moulin"
    assert Establishment.objects.count() == before


def someone_else(world: World, who: str) -> User | None:
    """A person who is not the operator: anonymous, a territory admin, staff with or without admin access."""
    if who == "anonymous":
        return None
    if who == "territory_admin":
        return world.territory_admin
    if who == "staff_not_superuser":
        user = person(world.a.establishment, Role.STAFF, StaffFunction.OFFICE)
        user.is_staff = True
        user.save()
        return user
    return world.a.people[who]


@pytest.mark.parametrize("who", ["anonymous", "territory_admin", "head", "digital_lead", "staff_not_superuser"])
def test_everybody_else_is_refused(world: World, client_for: ClientFor, who: str) -> None:
    client = client_for(someone_else(world, who))
    for url in pages(world)[1:]:
        response = client.get(url)
        if who == "staff_not_superuser":
            assert response.status_code == 403, url
        else:
            assert response.status_code == 302 and "/operateur/login/" in response["Location"], url


def test_operator_issues_a_new_code_to_a_territory_admin(
    world: World, operator: User, client_for: ClientFor, english: None
) -> None:
    link = TerritoryAdmin.objects.get(user=world.territory_admin)
    response = client_for(operator).post(
        reverse("admin:identity_territoryadmin_changelist"),
        {"action": "issue_codes", "_selected_action": [link.pk]},
        follow=True,
    )
    assert response.status_code == 200
    code = ActivationCode.objects.get(user=world.territory_admin, revoked_at__isnull=True)
    assert code.establishment is None
    assert f"username {world.territory_admin.username}, activation code" in response.content.decode()
    assert AuditEvent.objects.filter(action="identity.codes_issued", actor_id=operator.pk).exists()


def test_territory_admin_cannot_issue_codes_through_the_operator_pages(world: World, client_for: ClientFor) -> None:
    link = TerritoryAdmin.objects.get(user=world.territory_admin)
    response = client_for(world.territory_admin).post(
        reverse("admin:identity_territoryadmin_changelist"), {"action": "issue_codes", "_selected_action": [link.pk]}
    )
    assert response.status_code == 302
    assert not ActivationCode.objects.exists()


def test_operator_switches_an_establishment_off_through_the_service(
    world: World, operator: User, client_for: ClientFor
) -> None:
    establishment = world.b.establishment
    client_for(operator).post(
        reverse("admin:establishments_establishment_changelist"),
        {"action": "deactivate", "_selected_action": [establishment.pk]},
    )
    establishment.refresh_from_db()
    assert not establishment.is_active
    assert AuditEvent.objects.filter(action="establishments.deactivated", actor_id=operator.pk).count() == 1
    assert Establishment.objects.filter(is_active=False).count() == 1


def test_lists_take_the_same_queries_with_one_or_many_rows(world: World, operator: User, client_for: ClientFor) -> None:
    client = client_for(operator)
    urls = [
        reverse("admin:establishments_territory_changelist"),
        reverse("admin:establishments_establishment_changelist"),
        reverse("admin:identity_territoryadmin_changelist"),
        reverse("admin:identity_roleassignment_changelist") + "?admins=yes",
    ]

    def queries() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as context:
                assert client.get(url).status_code == 200
            counts.append(len(context.captured_queries))
        return counts

    few = queries()
    for _n in range(20):
        territory = TerritoryFactory()
        establishment = EstablishmentFactory(territory=territory)
        TerritoryAdminFactory(territory=territory)
        person(establishment, Role.STAFF, StaffFunction.HEAD)
    assert queries() == few


# Adding an admin to an existing territory (the service territory_create uses for the first one)

ADD_ADMIN = "admin:identity_territoryadmin_add_admin"
CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b")


def table_rows() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def new_admin_form(world: World, **changes: str) -> dict[str, Any]:
    return {"territory": world.north.pk, "first_name": "Claire", "last_name": "Second", "email": "", **changes}


def test_operator_adds_a_second_admin_to_a_territory_and_sees_the_code_once(
    world: World, operator: User, client_for: ClientFor, english: None
) -> None:
    client = client_for(operator)
    listing = client.get(reverse("admin:identity_territoryadmin_changelist")).content.decode()
    assert reverse(ADD_ADMIN) in listing  # the "Add a territory admin" button
    form = client.get(reverse(ADD_ADMIN), {"territoire": world.north.pk})
    assert form.status_code == 200
    assert f'<option value="{world.north.pk}" selected>' in form.content.decode()

    response = client.post(reverse(ADD_ADMIN), new_admin_form(world), follow=True)

    assert response.status_code == 200
    admins = TerritoryAdmin.objects.filter(territory=world.north).select_related("user")
    assert admins.count() == 2
    added = admins.get(user__last_name="Second").user
    assert not added.has_usable_password() and not added.is_activated
    page = response.content.decode()
    assert f"username {added.username}, activation code" in page
    shown = CODE.search(page)
    assert shown is not None
    assert activation_code_check(username=added.username, code=shown.group()) == added
    assert AuditEvent.objects.filter(action="identity.territory_admin_appointed", actor_id=operator.pk).count() == 1
    assert mail.outbox == []


def test_with_an_address_the_code_is_mailed_not_shown(
    world: World, operator: User, client_for: ClientFor, english: None
) -> None:
    response = client_for(operator).post(
        reverse(ADD_ADMIN), new_admin_form(world, email="second@nord.example"), follow=True
    )

    added = TerritoryAdmin.objects.get(territory=world.north, user__last_name="Second").user
    page = response.content.decode()
    assert "activation code e-mailed to second@nord.example" in page and CODE.search(page) is None
    [sent] = mail.outbox
    assert sent.to == ["second@nord.example"] and world.north.name in sent.subject
    mailed = CODE.search(str(sent.body))
    assert mailed is not None
    assert activation_code_check(username=added.username, code=mailed.group()) == added


def test_a_mail_that_cannot_be_sent_adds_nobody(
    world: World, operator: User, client_for: ClientFor, settings: Any, english: None
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    client = client_for(operator)
    client.get(reverse(ADD_ADMIN))  # the session is written before counting
    before = table_rows()

    response = client.post(reverse(ADD_ADMIN), new_admin_form(world, email="second@nord.example"))

    assert response.status_code == 200
    assert "could not be sent" in response.content.decode()
    assert table_rows() == before


def test_an_invalid_form_adds_nobody(world: World, operator: User, client_for: ClientFor) -> None:
    client = client_for(operator)
    client.get(reverse(ADD_ADMIN))
    before = table_rows()

    response = client.post(reverse(ADD_ADMIN), new_admin_form(world, territory="999999", last_name=""))

    assert response.status_code == 200
    assert table_rows() == before


@pytest.mark.parametrize("who", ["anonymous", "territory_admin", "head", "staff_not_superuser"])
def test_nobody_else_may_add_a_territory_admin(world: World, client_for: ClientFor, who: str) -> None:
    client = client_for(someone_else(world, who))
    client.get(reverse("core:dashboard"))  # a signed-in session is written before counting
    before = table_rows()

    response = client.post(reverse(ADD_ADMIN), new_admin_form(world))

    if who == "staff_not_superuser":
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and "/operateur/login/" in response["Location"]
    assert table_rows() == before
    assert TerritoryAdmin.objects.filter(territory=world.north).count() == 1
