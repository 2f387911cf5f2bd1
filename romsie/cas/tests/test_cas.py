"""The CAS server: login, validation (CAS 1, 2 and 3), hostile input, revocation, logout, registrations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pytest
from defusedxml import ElementTree as SafeET
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from romsie.core.models import AuditEvent
from romsie.core.testing.factories import scope_of
from romsie.core.testing.world import World
from romsie.identity import services as identity_services

from .. import protocol, services, tasks
from ..models import CasService, CasTicket
from .builders import PREFIX, SERVICE_URL, register

NS = {"cas": protocol.CAS_NS}
HOSTILE_SERVICES = [
    "https://evil.example.com/",
    "//evil.example.com/",
    "javascript:alert(1)",
    "https://cdi.example.test.evil.com/",
    "https://cdi.example.test@evil.com/",
    "https://evil.com\\@cdi.example.test/",
    "http://cdi.example.test/",  # another scheme than the one registered
    " https://cdi.example.test/",
    "https://cdi.example.test/\nLocation: https://evil.com/",
    "",
]


def login_url(service: str, **params: str) -> str:
    query = {"service": service, **params}
    return reverse("cas:login") + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def ticket_of(response: Any) -> str:
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    assert location.startswith(SERVICE_URL + "?ticket=ST-")
    return parse_qs(urlsplit(location).query)["ticket"][0]


def issue(client: Client, service: str = SERVICE_URL) -> str:
    return ticket_of(client.get(reverse("cas:login"), {"service": service}))


def validate(client: Client, ticket: str, service: str = SERVICE_URL, name: str = "cas:p3-service-validate") -> Any:
    response = client.get(reverse(name), {"ticket": ticket, "service": service})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    return SafeET.fromstring(response.content)


def failure_code(root: Any) -> str:
    failure = root.find("cas:authenticationFailure", NS)
    assert failure is not None, ET.tostring(root)
    return failure.get("code")


# -- patterns and addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("match", "pattern"),
    [
        ("regex", ".*"),
        ("regex", "^.*$"),
        ("regex", "^https://.*"),
        ("regex", "^https://cdi.example.test/.*"),  # unescaped dots match any character
        ("regex", "^https://cdi\\.example\\.test.*"),  # no slash after the host
        ("regex", "https://cdi\\.example\\.test/.*"),  # not anchored
        ("regex", "^https://cdi\\.example\\.test/(("),
        ("prefix", "https://cdi.example.test"),  # no slash: https://cdi.example.test.evil.com
        ("prefix", "cdi.example.test/"),
        ("prefix", "//cdi.example.test/"),
        ("prefix", "javascript:alert(1)//"),
        ("prefix", "https://user@cdi.example.test/"),
        ("prefix", ""),
    ],
)
def test_a_hostile_or_loose_pattern_is_refused(match: str, pattern: str) -> None:
    assert protocol.check_pattern(match, pattern) is not None


@pytest.mark.parametrize(
    ("match", "pattern"),
    [("prefix", PREFIX), ("regex", "^https://cdi\\.example\\.test/.*"), ("regex", "^http://localhost:8000/app/.*$")],
)
def test_a_good_pattern_is_accepted(match: str, pattern: str) -> None:
    assert protocol.check_pattern(match, pattern) is None


def test_a_regex_service_matches_its_whole_address_only() -> None:
    pattern = "^https://cdi\\.example\\.test/app/.*"
    assert protocol.matches("regex", pattern, "https://cdi.example.test/app/login")
    assert not protocol.matches("regex", pattern, "https://cdi.example.test/other")
    assert not protocol.matches("prefix", PREFIX, "https://cdi.example.test.evil.com/")


# -- login ---------------------------------------------------------------------------------------------------


def test_an_anonymous_visitor_signs_in_on_the_ent_and_comes_back(world: World, client_for: Any) -> None:
    register(world.north)
    anonymous = client_for(None)
    url = login_url(SERVICE_URL)
    response = anonymous.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:sign-in") + "?next=")
    signed = anonymous.post(
        response["Location"], {"username": world.a.student.username, "password": "correct horse battery staple"}
    )
    assert signed.status_code == 302
    back = anonymous.get(signed["Location"])
    ticket = ticket_of(back)
    root = validate(anonymous, ticket)
    assert root.findtext("cas:authenticationSuccess/cas:user", namespaces=NS) == world.a.student.username


def test_a_signed_in_person_passes_straight_through(world: World, client_for: Any) -> None:
    register(world.north)
    ticket = issue(client_for(world.a.student))
    row = CasTicket.objects.get(ticket=ticket)
    assert row.user == world.a.student and row.service_url == SERVICE_URL and row.used_at is None
    assert len(ticket) > 40 and (row.expires_at - row.created_at) == timedelta(seconds=10)


@pytest.mark.parametrize("service", HOSTILE_SERVICES)
def test_a_hostile_service_gets_a_page_and_no_redirect(world: World, client_for: Any, service: str) -> None:
    register(world.north)
    for client in (client_for(None), client_for(world.a.student)):
        response = client.get(reverse("cas:login"), {"service": service, "gateway": "true"})
        if service == "":
            continue  # no service: the ENT's own pages
        assert response.status_code == 400
        assert "is not registered" in response.content.decode()
    assert not CasTicket.objects.exists()


def test_another_territorys_service_is_not_open_to_the_person(world: World, client_for: Any) -> None:
    register(world.south)
    response = client_for(world.a.student).get(reverse("cas:login"), {"service": SERVICE_URL})
    assert response.status_code == 400
    assert not CasTicket.objects.exists()
    assert ticket_of(client_for(world.c.student).get(reverse("cas:login"), {"service": SERVICE_URL}))


def test_gateway_sends_an_anonymous_visitor_back_without_a_ticket(world: World, client_for: Any) -> None:
    register(world.north)
    response = client_for(None).get(reverse("cas:login"), {"service": SERVICE_URL, "gateway": "true"})
    assert response.status_code == 302 and response["Location"] == SERVICE_URL


def test_renew_asks_for_the_password_again(world: World, client_for: Any) -> None:
    register(world.north)
    client = client_for(world.a.student)
    response = client.get(reverse("cas:login"), {"service": SERVICE_URL, "renew": "true"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("identity:sign-in"))
    assert not CasTicket.objects.exists()
    signed = client.post(
        response["Location"], {"username": world.a.student.username, "password": "correct horse battery staple"}
    )
    ticket = ticket_of(client.get(signed["Location"]))
    root = client.get(reverse("cas:service-validate"), {"ticket": ticket, "service": SERVICE_URL, "renew": "true"})
    assert b"authenticationSuccess" in root.content


def test_renew_at_validation_refuses_a_ticket_from_an_existing_session(world: World, client_for: Any) -> None:
    register(world.north)
    client = client_for(world.a.student)
    ticket = issue(client)
    response = client.get(reverse("cas:service-validate"), {"ticket": ticket, "service": SERVICE_URL, "renew": "1"})
    assert failure_code(SafeET.fromstring(response.content)) == "INVALID_TICKET"


# -- validation ----------------------------------------------------------------------------------------------


def test_cas3_validation_releases_the_chosen_attributes(world: World, client_for: Any) -> None:
    register(world.north)
    student = world.a.student
    student.external_id, student.email = "AAF-123", "eleve@example.org"
    student.save()
    client = client_for(student)
    root = validate(client, issue(client))
    success = root.find("cas:authenticationSuccess", NS)
    assert success.findtext("cas:user", namespaces=NS) == student.username
    attributes = {child.tag.split("}")[1]: child.text for child in success.find("cas:attributes", NS)}
    assert attributes["ENTPersonJointure"] == "AAF-123"
    assert attributes["ENTStructureUAI"] == world.a.establishment.uai
    assert attributes["ENTPersonProfils"] == "student"
    assert attributes["ENTPersonClasses"] == world.a.school_class.name
    assert attributes["sn"] == student.last_name and attributes["mail"] == "eleve@example.org"
    event = AuditEvent.objects.get(action="cas.validated")
    assert event.actor_id == student.pk and event.establishment_id == world.a.establishment.pk


def test_only_the_released_attributes_are_sent(world: World, client_for: Any) -> None:
    register(world.north, attributes=["uid"])
    client = client_for(world.a.teacher)
    root = validate(client, issue(client), name="cas:service-validate")
    names = [child.tag.split("}")[1] for child in root.find("cas:authenticationSuccess/cas:attributes", NS)]
    assert names == ["uid"]


def test_a_teacher_receives_the_classes_they_teach(world: World, client_for: Any) -> None:
    register(world.north, attributes=["ENTPersonClasses", "ENTPersonProfils"])
    client = client_for(world.a.teacher)
    root = validate(client, issue(client))
    assert root.findtext(".//cas:ENTPersonClasses", namespaces=NS) == world.a.school_class.name
    assert root.findtext(".//cas:ENTPersonProfils", namespaces=NS) == "teacher"


def test_cas1_validation(world: World, client_for: Any) -> None:
    register(world.north)
    client = client_for(world.a.student)
    ticket = issue(client)
    answer = client.get(reverse("cas:validate"), {"ticket": ticket, "service": SERVICE_URL})
    assert answer.content == f"yes\n{world.a.student.username}\n".encode()
    again = client.get(reverse("cas:validate"), {"ticket": ticket, "service": SERVICE_URL})
    assert again.content == b"no\n"


def test_a_ticket_is_single_use(world: World, client_for: Any) -> None:
    register(world.north)
    client = client_for(world.a.student)
    ticket = issue(client)
    assert validate(client, ticket).find("cas:authenticationSuccess", NS) is not None
    assert failure_code(validate(client, ticket)) == "INVALID_TICKET"
    assert AuditEvent.objects.filter(action="cas.validated").count() == 1


def test_a_forged_ticket_is_refused(world: World, client_for: Any) -> None:
    register(world.north)
    anonymous = client_for(None)
    assert failure_code(validate(anonymous, protocol.new_ticket())) == "INVALID_TICKET"
    assert failure_code(validate(anonymous, "PGT-something")) == "INVALID_TICKET_SPEC"
    assert failure_code(validate(anonymous, "")) == "INVALID_REQUEST"
    assert not AuditEvent.objects.filter(action="cas.validated").exists()


def test_a_ticket_for_another_service_is_refused_and_burnt(world: World, client_for: Any) -> None:
    register(world.north)
    client = client_for(world.a.student)
    ticket = issue(client)
    assert failure_code(validate(client, ticket, service=PREFIX + "other")) == "INVALID_SERVICE"
    assert failure_code(validate(client, ticket)) == "INVALID_TICKET"


def test_an_expired_ticket_is_refused(world: World, client_for: Any) -> None:
    register(world.north)
    client = client_for(world.a.student)
    ticket = issue(client)
    CasTicket.objects.filter(ticket=ticket).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert failure_code(validate(client, ticket)) == "INVALID_TICKET"


def test_a_deactivated_account_s_ticket_is_refused(world: World, client_for: Any) -> None:
    register(world.north)
    student = world.a.student
    ticket = issue(client_for(student))
    identity_services.account_deactivate(scope=scope_of(world.a.head), user=student)
    assert failure_code(validate(client_for(None), ticket)) == "INVALID_TICKET"


def test_signing_out_everywhere_kills_the_tickets(world: World, client_for: Any) -> None:
    register(world.north)
    student = world.a.student
    ticket = issue(client_for(student))
    identity_services.sign_out_everywhere(user=student)
    assert failure_code(validate(client_for(None), ticket)) == "INVALID_TICKET"


def test_a_service_whose_pattern_changed_no_longer_validates(world: World, client_for: Any) -> None:
    service = register(world.north)
    client = client_for(world.a.student)
    ticket = issue(client)
    CasService.objects.filter(pk=service.pk).update(pattern="https://other.example.test/")
    assert failure_code(validate(client, ticket)) == "INVALID_SERVICE"


def test_validation_costs_a_constant_number_of_queries(
    world: World, client_for: Any, django_assert_num_queries: Any
) -> None:
    register(world.north)
    client = client_for(world.a.student)
    tickets = [issue(client) for _ in range(2)]
    # Savepoint, consume, read the ticket with its person, profiles, classes, audit, release.
    for ticket in tickets:
        with django_assert_num_queries(7):
            outcome = services.ticket_validate(ticket=ticket, service_url=SERVICE_URL)
        assert outcome.ok
    with django_assert_num_queries(3):
        assert not services.ticket_validate(ticket=tickets[0], service_url=SERVICE_URL).ok


# -- logout ----------------------------------------------------------------------------------------------


class _Answer:
    def __enter__(self) -> _Answer:
        return self

    def __exit__(self, *args: object) -> None:
        return None


@pytest.fixture
def posted(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bytes]]:
    """The single-logout requests the task posts (address, body), instead of sending them."""
    sent: list[tuple[str, bytes]] = []

    def fake_urlopen(request: Any, timeout: int) -> _Answer:
        sent.append((request.full_url, request.data))
        return _Answer()

    monkeypatch.setattr(tasks.urllib.request, "urlopen", fake_urlopen)
    return sent


def test_logout_ends_the_session_and_tells_the_single_logout_services(
    world: World, client_for: Any, posted: list[tuple[str, bytes]], django_capture_on_commit_callbacks: Any
) -> None:
    register(world.north, single_logout=True)
    register(world.north, name="Autre", pattern="https://other.example.test/", single_logout=False)
    client = client_for(world.a.student)
    used = issue(client)
    validate(client, used)
    issue(client)  # never validated: the service never knew of it
    other = client.get(reverse("cas:login"), {"service": "https://other.example.test/x"})["Location"]
    other_ticket = parse_qs(urlsplit(other).query)["ticket"][0]
    validate(client, other_ticket, service="https://other.example.test/x")  # no single logout there
    assert client.get(reverse("cas:logout")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cas:logout"), {"service": SERVICE_URL})
    assert response.status_code == 302 and response["Location"] == SERVICE_URL
    assert len(posted) == 1
    url, body = posted[0]
    assert url == SERVICE_URL
    request_xml = parse_qs(body.decode())["logoutRequest"][0]
    assert f"<samlp:SessionIndex>{used}</samlp:SessionIndex>" in request_xml
    assert client.get(reverse("core:dashboard")).status_code == 302  # signed out


def test_the_ent_s_own_sign_out_tells_the_single_logout_services(
    world: World, client_for: Any, posted: list[tuple[str, bytes]], django_capture_on_commit_callbacks: Any
) -> None:
    register(world.north, single_logout=True)
    client = client_for(world.a.student)
    ticket = issue(client)
    validate(client, ticket)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("identity:sign-out")).status_code == 302
    assert [url for url, _body in posted] == [SERVICE_URL]
    assert ticket in parse_qs(posted[0][1].decode())["logoutRequest"][0]


def test_logout_never_follows_an_unregistered_service(world: World, client_for: Any) -> None:
    client = client_for(world.a.student)
    response = client.post(reverse("cas:logout"), {"service": "https://evil.example.com/"})
    assert response["Location"] == reverse("identity:sign-in")
    assert client_for(None).get(reverse("cas:logout"), {"service": "https://evil.example.com/"}).status_code == 200


def test_purge_keeps_fresh_tickets_only(world: World, client_for: Any) -> None:
    register(world.north)
    client = client_for(world.a.student)
    fresh, stale = issue(client), issue(client)
    CasTicket.objects.filter(ticket=stale).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert services.tickets_purge() == 1
    assert list(CasTicket.objects.values_list("ticket", flat=True)) == [fresh]
    later = timezone.now() + services.ticket_retention() + timedelta(minutes=1)
    assert services.tickets_purge(now=later) == 1


# -- registrations -----------------------------------------------------------------------------------------


def test_a_territory_admin_registers_a_service(world: World, client_for: Any) -> None:
    admin = client_for(world.territory_admin)
    home = admin.get(reverse("administration:territory-home"))
    assert reverse("cas:service-list", args=[world.north.pk]) in home.content.decode()
    data = {"name": "ENT lycée", "match": "regex", "pattern": "^https://cdi\\.example\\.test/.*", "attributes": ["uid"]}
    response = admin.post(reverse("cas:service-create", args=[world.north.pk]), data)
    assert response.status_code == 302
    service = CasService.objects.get()
    assert (service.territory, service.attributes, service.single_logout) == (world.north, ["uid"], False)
    assert AuditEvent.objects.filter(action="cas.service_created").exists()
    listing = admin.get(reverse("cas:service-list", args=[world.north.pk]))
    assert "ENT lycée" in listing.content.decode()
    from romsie.core.testing.editing import shown_version

    edit = reverse("cas:service-update", args=[service.pk])
    version = shown_version(admin.get(edit))
    update = admin.post(edit, {**data, "single_logout": "on", "version": version})
    assert update.status_code == 302
    service.refresh_from_db()
    assert service.single_logout
    assert admin.post(reverse("cas:service-delete", args=[service.pk])).status_code == 302
    assert not CasService.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"match": "regex", "pattern": ".*"},
        {"match": "prefix", "pattern": "https://cdi.example.test"},
        {"match": "prefix", "pattern": "javascript:alert(1)//"},
        {"match": "prefix", "pattern": PREFIX, "attributes": ["password"]},
    ],
)
def test_a_hostile_registration_is_refused_and_nothing_created(
    world: World, client_for: Any, fields: dict[str, Any]
) -> None:
    response = client_for(world.territory_admin).post(
        reverse("cas:service-create", args=[world.north.pk]), {"name": "Pirate", **fields}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not CasService.objects.exists()


def test_two_admins_editing_one_service_at_once_the_second_is_refused_and_keeps_what_they_typed(
    world: World, client_for: Any
) -> None:
    from romsie.core.testing.editing import race_on_form

    service = register(world.north)
    url = reverse("cas:service-update", args=[service.pk])
    fields = {"match": "prefix", "pattern": service.pattern, "attributes": ["uid"]}
    refused = race_on_form(
        url,
        first=client_for(world.territory_admin),
        second=client_for(world.territory_admin),
        first_data={**fields, "name": "Catalogue du CDI"},
        second_data={**fields, "name": "Bibliothèque"},
    )
    assert "Bibliothèque" in refused.content.decode()  # what the second typed is still there
    service.refresh_from_db()
    assert service.name == "Catalogue du CDI"
