"""The personal calendar feed (RFC 5545) and the CSV import of lessons."""

from __future__ import annotations

import datetime
import re

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from romsie.core import versions
from romsie.identity.models import RoleAssignment
from romsie.schooling.models import Room, Teaching
from romsie.timetable import services
from romsie.timetable.models import CalendarFeed, Lesson, Session


def feed_url(client) -> str:
    page = client.post(reverse("timetable:feed-settings"), {"new": "1"})
    match = re.search(r'id="feed-url">([^<]+)<', page.content.decode())
    assert match, "the new address is shown once"
    return match.group(1).replace("http://testserver", "")


def test_feed_is_valid_icalendar_with_stable_uids_and_cancellations(world, timetable, client_for):
    session = Session.objects.filter(lesson=timetable["monday"]).order_by("date").first()
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED, version=1)
    url = feed_url(client_for(world.a.parent))
    anonymous = client_for(None)

    first = anonymous.get(url)
    assert first.status_code == 200
    assert first["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(first.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == Session.objects.filter(teaching=world.a.teaching).count()
    by_uid = {str(e["UID"]): e for e in events}
    cancelled = by_uid[f"session-{session.pk}@romsie-ce"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled.decoded("DTSTART").hour == 8
    assert str(cancelled["SUMMARY"]) == "Mathématiques"
    second = icalendar.Calendar.from_ical(anonymous.get(url).content)
    assert {str(e["UID"]) for e in second.walk("VEVENT")} == set(by_uid)


def test_feed_token_is_secret_and_revocable(world, timetable, client_for):
    client = client_for(world.a.student)
    old = feed_url(client)
    new = feed_url(client)
    anonymous = client_for(None)
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(new).status_code == 200
    assert not CalendarFeed.objects.filter(token_digest__contains=new.rsplit("/", 1)[1][:10]).exists()
    client.post(reverse("timetable:feed-settings"), {"revoke": "1"})
    assert anonymous.get(new).status_code == 404
    # A student of another class gets an empty (but valid) calendar.
    other = feed_url(client_for(world.a.student2))
    assert icalendar.Calendar.from_ical(anonymous.get(other).content).walk("VEVENT") == []


def test_feed_for_a_full_year_costs_a_fixed_number_of_queries(world, year, timetable, client_for,
                                                             django_assert_num_queries):  # fmt: skip
    Lesson.objects.bulk_create(
        Lesson(establishment=world.a.establishment, school_year=year, teaching=world.a.teaching, weekday=d,
               starts_at=datetime.time(h, 0), ends_at=datetime.time(h, 55))
        for d in range(5) for h in (10, 11, 13, 14, 15)
    )  # fmt: skip
    services.timetable_sync(school_year=year, today=datetime.date(2026, 9, 1))
    url = feed_url(client_for(world.a.student))
    # The token, the owner's roles (their scope in each establishment), the sessions, and one per
    # other source the student's services add (the homework, the agenda's events).
    with django_assert_num_queries(5):
        response = client_for(None).get(url)
    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) > 25 * 30
    # Then it comes from the cache until the timetable of the establishment changes.
    with django_assert_num_queries(2):
        again = client_for(None).get(url)
    assert again.content == response.content
    versions.bump(versions.Kind.TIMETABLE, world.a.establishment.pk)
    with django_assert_num_queries(5):
        client_for(None).get(url)


def _feed_events(client, url: str) -> list:
    response = client.get(url)
    assert response.status_code == 200
    return list(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))


@pytest.mark.parametrize("who", ["student", "parent", "teacher"])
def test_feed_of_a_person_whose_role_is_removed_is_empty(world, timetable, client_for, who):
    person = getattr(world.a, who)
    url = feed_url(client_for(person))
    anonymous = client_for(None)
    assert len(_feed_events(anonymous, url)) == Session.objects.filter(teaching=world.a.teaching).count()

    # A bulk update (as an import's leavers step does) sends no signal and bumps no stamp: the
    # feed reads the owner's roles at every fetch, so even its cached text is not served.
    RoleAssignment.objects.filter(user=person, establishment=world.a.establishment).update(is_active=False)
    assert _feed_events(anonymous, url) == []


def test_feed_is_empty_once_the_establishment_switches_the_timetable_off(world, timetable, client_for):
    url = feed_url(client_for(world.a.parent))
    anonymous = client_for(None)
    assert _feed_events(anonymous, url)  # and now cached

    establishment = world.a.establishment
    establishment.enabled_services = [s for s in establishment.enabled_services if s != "timetable"]
    establishment.save(update_fields=["enabled_services"])
    assert _feed_events(anonymous, url) == []


def test_feed_follows_a_right_withdrawn_by_the_establishment(world, timetable, client_for):
    url = feed_url(client_for(world.a.student))
    anonymous = client_for(None)
    assert _feed_events(anonymous, url)
    territory = world.a.establishment.territory
    territory.habilitation_ceiling = {"student": ["timetable.view"]}
    territory.save(update_fields=["habilitation_ceiling"])
    establishment = world.a.establishment
    establishment.habilitation_overrides = {"student": {"timetable.view": False}}
    establishment.save(update_fields=["habilitation_overrides"])
    assert _feed_events(anonymous, url) == []


CSV = (
    "jour;debut;fin;matiere;enseignant;classe;groupe;salle;semaine\n"
    "lundi;08:30;09:25;MATHa;teacher.a;6Aa;;Salle 101 a;\n"
    "mardi;10h00;11h00;Mathématiques;teacher.a;6Ba;;Labo;B\n"
)


def upload(client, text: str, **extra: str):
    data = {"file": SimpleUploadedFile("edt.csv", text.encode("iso-8859-1"), content_type="text/csv"), **extra}
    return client.post(reverse("timetable:lesson-import"), data)


def test_csv_import_previews_then_applies_and_is_idempotent(world, year, client_for):
    client = client_for(world.a.head)
    preview = upload(client, CSV)
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert plan.ok and (plan.create, plan.unchanged, plan.new_teachings) == (2, 0, 1)
    assert plan.new_rooms == ["Labo"]
    assert not Lesson.objects.exists()  # nothing written before "apply"

    applied = client.post(reverse("timetable:lesson-import"), {"apply": "1"})
    assert applied.status_code == 302
    assert Lesson.objects.filter(establishment=world.a.establishment).count() == 2
    assert Room.objects.filter(establishment=world.a.establishment, name="Labo").exists()
    assert Teaching.objects.filter(school_class=world.a.class2, teacher=world.a.teacher).exists()
    assert Session.objects.filter(establishment=world.a.establishment).exists()

    again = upload(client, CSV)
    assert (again.context["plan"].create, again.context["plan"].unchanged) == (0, 2)
    client.post(reverse("timetable:lesson-import"), {"apply": "1"})
    assert Lesson.objects.filter(establishment=world.a.establishment).count() == 2


def test_csv_import_errors_name_their_line_and_nothing_is_written(world, year, client_for):
    bad = CSV + "dimanche;25:00;09:00;XXX;nobody;ZZ;;;C\n"
    response = upload(client_for(world.a.head), bad)
    plan = response.context["plan"]
    assert not plan.ok
    line, message = plan.errors[0]
    assert line == 4
    for fragment in ("unknown day", "times", "unknown subject", "unknown teacher", "unknown class", "weeks"):
        assert fragment in message
    assert "Line 4" in response.content.decode()
    assert client_for(world.a.head).post(reverse("timetable:lesson-import"), {"apply": "1"}).status_code == 200
    assert not Lesson.objects.exists()


def test_csv_import_with_replace_removes_lessons_missing_from_the_file(world, year, timetable, client_for):
    client = client_for(world.a.head)
    plan = upload(client, CSV, replace="on").context["plan"]
    assert plan.delete == 1  # the fixture's Tuesday lesson is not in the file (its Monday one is)
    client.post(reverse("timetable:lesson-import"), {"apply": "1"})
    tuesday = Lesson.objects.get(pk=timetable["tuesday"].pk)
    assert tuesday.until is not None  # it had past sessions: kept in the record, ended
