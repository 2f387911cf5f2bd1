"""CalDAV with a real client (the ``caldav`` library) against a live server, plus raw requests.

The client signs in with an app password (the documents' WebDAV ones), discovers the principal
and its calendars, creates, changes, finds and deletes events in the personal agenda; the
establishment's agenda is read-only; a stale ETag is refused; another person's is not found.
"""

from __future__ import annotations

import base64
import datetime
import uuid
from typing import Any

import caldav
import pytest
from caldav.lib import error as caldav_error
from django.test import Client

from romsie.agenda.models import Event
from romsie.core.access.scope import Scope
from romsie.core.testing.concurrency import committed_db
from romsie.core.testing.world import World
from romsie.documents.dav.services import app_password_create

from .builders import at, enable, event

pytestmark = [pytest.mark.dav]

VEVENT = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//caldav//EN
BEGIN:VEVENT
UID:{uid}
DTSTAMP:20260101T000000Z
DTSTART:{start}
DTEND:{end}
SUMMARY:{summary}
LOCATION:Cabinet
END:VEVENT
END:VCALENDAR
"""


def ical(uid: str, summary: str, start: datetime.datetime, hours: int = 1) -> str:
    fmt = "%Y%m%dT%H%M%SZ"
    utc = start.astimezone(datetime.UTC)
    end = utc + datetime.timedelta(hours=hours)
    return VEVENT.format(uid=uid, summary=summary, start=utc.strftime(fmt), end=end.strftime(fmt))


def app_password(person: Any) -> str:
    _created, secret = app_password_create(scope=Scope(user_id=person.pk), label="Téléphone")
    return secret


def basic(person: Any, secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{person.username}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@committed_db
def test_a_calendar_application_syncs_the_personal_agenda(world: World, live_server: Any, request: Any) -> None:
    a = world.a
    enable(a)
    event(a, title="Portes ouvertes")
    person = a.teacher
    client = caldav.DAVClient(url=f"{live_server.url}/caldav/", username=person.username, password=app_password(person))
    request.addfinalizer(client.close)  # its kept-alive connection, before the live server stops
    principal = client.principal()
    calendars = {c.get_display_name(): c for c in principal.calendars()}
    assert set(calendars) == {"My agenda", "Establishment", "My classes"}
    personal, establishment = calendars["My agenda"], calendars["Establishment"]

    # Create, then find by time range.
    uid = str(uuid.uuid4())
    start = at(2, 14)
    personal.save_event(ical(uid, "Dentiste", start))
    created = Event.objects.get(uid=uid)
    assert (created.owner_id, created.agenda, created.title, created.place) == (
        person.pk,
        "personal",
        "Dentiste",
        "Cabinet",
    )
    found = personal.search(
        start=start - datetime.timedelta(hours=1), end=start + datetime.timedelta(hours=3), event=True
    )
    assert [str(f.icalendar_component["uid"]) for f in found] == [uid]
    assert personal.search(start=at(20), end=at(21), event=True) == []

    # Update through the client, then delete.
    item = personal.event_by_uid(uid)
    item.icalendar_component["summary"] = "Dentiste (reporté)"
    item.save()
    assert Event.objects.get(uid=uid).title == "Dentiste (reporté)"
    item.delete()
    assert not Event.objects.filter(uid=uid).exists()

    # The establishment's agenda: readable, never writable.
    assert [str(e.icalendar_component["summary"]) for e in establishment.events()] == ["Portes ouvertes"]
    with pytest.raises(caldav_error.DAVError):
        establishment.save_event(ical(str(uuid.uuid4()), "Intrus", start))
    assert not Event.objects.filter(title="Intrus").exists()


@committed_db
def test_a_stale_etag_and_another_persons_calendar_are_refused(world: World, live_server: Any, request: Any) -> None:
    a = world.a
    enable(a)
    person, other = a.teacher, a.head
    secret = app_password(person)
    client = caldav.DAVClient(url=f"{live_server.url}/caldav/", username=person.username, password=secret)
    request.addfinalizer(client.close)
    personal = next(c for c in client.principal().calendars() if c.get_display_name() == "My agenda")
    uid = str(uuid.uuid4())
    personal.save_event(ical(uid, "Réunion", at(3, 10)))
    url = f"{live_server.url}/caldav/{person.username}/personal/{uid}.ics"
    current = client.request(url, "GET").headers["ETag"]
    stale = client.request(
        url, "PUT", ical(uid, "Changé", at(3, 11)), {"If-Match": '"0-0"', "Content-Type": "text/calendar"}
    )
    assert stale.status == 412
    kept = client.request(
        url, "PUT", ical(uid, "Changé", at(3, 11)), {"If-Match": current, "Content-Type": "text/calendar"}
    )
    assert kept.status == 204
    assert Event.objects.get(uid=uid).title == "Changé"
    again = client.request(
        url, "PUT", ical(uid, "Encore", at(3, 11)), {"If-Match": current, "Content-Type": "text/calendar"}
    )
    assert again.status == 412
    exists = client.request(
        url, "PUT", ical(uid, "Doublon", at(3, 11)), {"If-None-Match": "*", "Content-Type": "text/calendar"}
    )
    assert exists.status == 412
    assert Event.objects.get(uid=uid).title == "Changé"

    # Another person's calendar home and event: not found.
    event(a, agenda="personal", owner=other, title="Privé", uid="prive-1")
    assert (
        client.request(f"{live_server.url}/caldav/{other.username}/personal/", "PROPFIND", "", {"Depth": "1"}).status
        == 404
    )
    assert client.request(f"{live_server.url}/caldav/{person.username}/personal/prive-1.ics", "GET").status == 404


@pytest.fixture
def dav_client(world: World) -> tuple[Client, dict[str, str], World]:
    enable(world.a)
    return Client(), basic(world.a.teacher, app_password(world.a.teacher)), world


def test_malformed_or_hostile_xml_is_a_400(dav_client: Any) -> None:
    client, auth, world = dav_client
    url = f"/caldav/{world.a.teacher.username}/"
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
        '<D:propfind xmlns:D="DAV:">&b;</D:propfind>'
    )
    for body in ("<D:propfind xmlns:D='DAV:'><D:prop>", bomb, "not xml at all", "<wrong/>"):
        response = client.generic("PROPFIND", url, body, content_type="application/xml", HTTP_DEPTH="0", **auth)
        assert response.status_code == 400, body
    report = client.generic("REPORT", url + "personal/", "<C:calendar-query", content_type="application/xml", **auth)
    assert report.status_code == 400


def test_discovery_without_credentials_asks_for_them_and_well_known_redirects(dav_client: Any) -> None:
    client, auth, world = dav_client
    assert client.get("/.well-known/caldav")["Location"] == "/caldav/"
    assert client.generic("PROPFIND", "/caldav/").status_code == 401
    options = client.options("/caldav/", **auth)
    assert "calendar-access" in options["DAV"]
    response = client.generic("PROPFIND", "/caldav/", "", HTTP_DEPTH="0", **auth)
    assert response.status_code == 207
    assert f"/caldav/{world.a.teacher.username}/" in response.content.decode()


def test_a_bad_icalendar_body_is_a_400_and_nothing_is_saved(dav_client: Any) -> None:
    client, auth, world = dav_client
    url = f"/caldav/{world.a.teacher.username}/personal/x1.ics"
    for body in ("BEGIN:VCALENDAR\nnonsense", ical("other-uid", "Mauvais nom", at(2))):
        response = client.put(url, body, content_type="text/calendar", **auth)
        assert response.status_code == 400
    ends_first = ical("x1", "À l'envers", at(2), hours=-1)
    assert client.put(url, ends_first, content_type="text/calendar", **auth).status_code == 403
    assert not Event.objects.exists()


def test_without_the_agenda_service_everything_is_403(world: World) -> None:
    world.a.establishment.enabled_services = ["documents"]
    world.a.establishment.save(update_fields=["enabled_services"])
    auth = basic(world.a.teacher, app_password(world.a.teacher))
    response = Client().generic("PROPFIND", "/caldav/", "", HTTP_DEPTH="0", **auth)
    assert response.status_code == 403
