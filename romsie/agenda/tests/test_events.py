"""Agendas: who sees which event, publishing, refusals, invitations, reminders, the week's cost."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from romsie.agenda import feeds, selectors, services
from romsie.agenda.models import Event, Invitation
from romsie.core.testing.editing import page_text, race_on_form
from romsie.core.testing.world import World
from romsie.notifications.models import Notification
from romsie.schooling.audiences import PARENTS, STUDENTS, TEACHERS, AudienceChoice

from .builders import at, enable, event, invite


@pytest.fixture
def agenda_world(world: World) -> World:
    enable(world.a, world.b, world.c)
    return world


def scope_of(client_for: Any, person: Any) -> Any:
    return client_for(person).get(reverse("core:dashboard")).wsgi_request.scope


def form_data(**fields: Any) -> dict[str, Any]:
    data = {
        "title": "Sortie au musée",
        "category": "trip",
        "starts_at": at(2, 9).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": at(2, 16).strftime("%Y-%m-%dT%H:%M"),
        "place": "Musée des Beaux-Arts",
        "description": "<p>Prévoir un pique-nique.</p>",
        "reminder_minutes": "",
    }
    data.update(fields)
    return data


def test_a_teacher_publishes_a_class_event_its_students_and_parents_see(agenda_world: World, client_for: Any) -> None:
    a = agenda_world.a
    response = client_for(a.teacher).post(
        reverse("agenda:event-create"),
        form_data(agenda="class", school_class=a.school_class.pk, audience_roles=[STUDENTS, PARENTS]),
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    created = Event.objects.get(title="Sortie au musée")
    assert created.agenda == Event.Agenda.CLASS and created.is_narrowed
    for person in (a.student, a.parent, a.teacher, a.head):
        page = client_for(person).get(reverse("agenda:week"), {"semaine": at(2).date().isoformat()})
        assert "Sortie au musée" in page_text(page), person
    for person in (a.student2, a.parent2):
        page = client_for(person).get(reverse("agenda:week"), {"semaine": at(2).date().isoformat()})
        assert "Sortie au musée" not in page_text(page), person
        assert client_for(person).get(reverse("agenda:event-detail", args=[created.pk])).status_code == 404


def test_a_teacher_may_not_publish_for_a_class_they_do_not_teach(agenda_world: World, client_for: Any) -> None:
    a = agenda_world.a
    response = client_for(a.teacher).post(
        reverse("agenda:event-create"), form_data(agenda="class", school_class=a.class2.pk)
    )
    assert response.status_code == 200
    assert not Event.objects.filter(title="Sortie au musée").exists()
    response = client_for(a.teacher).post(reverse("agenda:event-create"), form_data(agenda="establishment"))
    assert response.status_code == 200
    assert not Event.objects.exists()


def test_a_personal_event_is_its_owners_alone(agenda_world: World, client_for: Any) -> None:
    a = agenda_world.a
    response = client_for(a.parent).post(reverse("agenda:event-create"), form_data(agenda="personal", title="Dentiste"))
    assert response.status_code == 302
    mine = Event.objects.get(title="Dentiste")
    assert client_for(a.parent).get(reverse("agenda:event-detail", args=[mine.pk])).status_code == 200
    for person in (a.head, a.student, a.teacher, a.parent2):
        assert client_for(person).get(reverse("agenda:event-detail", args=[mine.pk])).status_code == 404


def test_an_event_ending_before_it_starts_is_refused_and_nothing_saved(agenda_world: World, client_for: Any) -> None:
    a = agenda_world.a
    response = client_for(a.head).post(
        reverse("agenda:event-create"),
        form_data(
            agenda="personal",
            starts_at=at(3, 10).strftime("%Y-%m-%dT%H:%M"),
            ends_at=at(3, 9).strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    assert response.status_code == 200
    assert "ends before it starts" in page_text(response)
    assert not Event.objects.exists()


def test_an_event_years_ahead_is_refused(agenda_world: World, client_for: Any) -> None:
    a = agenda_world.a
    far = timezone.localtime() + datetime.timedelta(days=365 * 4)
    response = client_for(a.head).post(
        reverse("agenda:event-create"),
        form_data(
            agenda="personal",
            starts_at=far.strftime("%Y-%m-%dT%H:%M"),
            ends_at=(far + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    assert response.status_code == 200
    assert "years ahead" in page_text(response)
    assert not Event.objects.exists()


def test_audiences_by_role_and_establishment(agenda_world: World, client_for: Any) -> None:
    a, b = agenda_world.a, agenda_world.b
    teachers_only = event(a, title="Conseil pédagogique", audience=AudienceChoice.of({TEACHERS}))
    everyone = event(a, title="Portes ouvertes")
    elsewhere = event(b, title="Fête de l'école")

    def seen(person: Any) -> set[str]:
        return {e.title for e in selectors.upcoming(scope_of(client_for, person))}

    assert seen(a.teacher) == {"Conseil pédagogique", "Portes ouvertes"}
    assert seen(a.student) == {"Portes ouvertes"}
    assert seen(a.parent) == {"Portes ouvertes"}
    assert seen(b.student) == {"Fête de l'école"}
    assert teachers_only.pk and everyone.pk and elsewhere.pk


def test_two_heads_editing_the_same_event_the_second_is_refused(agenda_world: World, client_for: Any) -> None:
    a = agenda_world.a
    row = event(a, title="Conseil de classe")
    url = reverse("agenda:event-update", args=[row.pk])
    refused = race_on_form(
        url,
        first=client_for(a.head),
        second=client_for(a.school_life),
        first_data=form_data(title="Conseil de classe (salle 12)"),
        second_data=form_data(title="Conseil de classe du 2e trimestre"),
    )
    assert "Conseil de classe du 2e trimestre" in page_text(refused)
    row.refresh_from_db()
    assert row.title == "Conseil de classe (salle 12)"


def test_invitees_are_notified_answer_and_the_organiser_sees_the_answers(
    agenda_world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = agenda_world.a
    row = event(a, title="Réunion équipe", audience=AudienceChoice.of({TEACHERS}))
    head = client_for(a.head)
    with django_capture_on_commit_callbacks(execute=True):
        response = head.post(reverse("agenda:event-invite", args=[row.pk]), {"invitees": [f"user:{a.parent.pk}"]})
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=a.parent, kind="agenda.invited").exists()
    # The parent is not in the audience (teachers only), yet sees the event they are invited to.
    parent = client_for(a.parent)
    assert parent.get(reverse("agenda:event-detail", args=[row.pk])).status_code == 200
    assert parent.post(reverse("agenda:invitation-answer", args=[row.pk]), {"answer": "accepted"}).status_code == 302
    assert Invitation.objects.get(event=row, invitee=a.parent).answer == "accepted"
    assert "Accepted" in page_text(head.get(reverse("agenda:event-detail", args=[row.pk])))


def test_inviting_someone_of_another_establishment_is_refused(agenda_world: World, client_for: Any) -> None:
    a = agenda_world.a
    row = event(a)
    response = client_for(a.head).post(
        reverse("agenda:event-invite", args=[row.pk]), {"invitees": [f"user:{agenda_world.c.teacher.pk}"]}
    )
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_reminders_are_sent_once_to_the_owner_and_accepted_invitees(agenda_world: World) -> None:
    a = agenda_world.a
    soon = timezone.now() + datetime.timedelta(minutes=10)
    personal = event(a, agenda="personal", owner=a.teacher, starts_at=soon, reminder_minutes=15)
    shared = event(a, starts_at=soon, reminder_minutes=60)
    accepted, declined = invite(shared, a.teacher, a.parent)
    accepted.answer, declined.answer = "accepted", "declined"
    accepted.save()
    declined.save()
    later = event(
        a, agenda="personal", owner=a.parent, starts_at=soon + datetime.timedelta(days=2), reminder_minutes=15
    )
    call_command("agenda_send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115 (closed with the process)
    call_command("agenda_send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    reminders = Notification.objects.filter(kind="agenda.reminder")
    assert sorted(reminders.values_list("recipient_id", flat=True)) == sorted([a.teacher.pk, a.teacher.pk])
    personal.refresh_from_db()
    later.refresh_from_db()
    assert personal.reminded_at is not None and later.reminded_at is None


def test_the_feed_carries_the_events_one_may_see_with_stable_uids(agenda_world: World, client_for: Any) -> None:
    a = agenda_world.a
    row = event(a, title="Portes ouvertes")
    event(a, agenda="personal", owner=a.head, title="Rendez-vous privé")
    found = list(feeds.feed_source(scope_of(client_for, a.student)))
    assert [(e.uid, e.summary) for e in found] == [(f"agenda-{row.pk}", "Portes ouvertes")]


def test_the_dashboard_shows_the_next_events_and_a_change_at_once(agenda_world: World, client_for: Any) -> None:
    a = agenda_world.a
    parent = client_for(a.parent)
    event(a, title="Portes ouvertes")
    assert "Portes ouvertes" in page_text(parent.get(reverse("core:dashboard")))
    scope = scope_of(client_for, a.head)
    services.event_create(
        scope=scope,
        agenda="establishment",
        data=services.EventData(title="Kermesse", starts_at=at(3), ends_at=at(3, 12)),
    )
    assert "Kermesse" in page_text(parent.get(reverse("core:dashboard")))


def test_the_cached_week_shows_a_change_at_once(agenda_world: World, client_for: Any) -> None:
    a = agenda_world.a
    student = client_for(a.student)
    url = reverse("agenda:week")
    week = {"semaine": at(1).date().isoformat()}
    assert "Brevet blanc" not in page_text(student.get(url, week))
    head = client_for(a.head)
    hours = {"starts_at": at(1, 8).strftime("%Y-%m-%dT%H:%M"), "ends_at": at(1, 12).strftime("%Y-%m-%dT%H:%M")}
    created = head.post(
        reverse("agenda:event-create"), form_data(agenda="establishment", title="Brevet blanc", **hours)
    )
    assert created.status_code == 302
    assert "Brevet blanc" in page_text(student.get(url, week))
    row = Event.objects.get(title="Brevet blanc")
    assert head.post(reverse("agenda:event-delete", args=[row.pk])).status_code == 302
    assert "Brevet blanc" not in page_text(student.get(url, week))


@pytest.mark.parametrize("rows", [1, 50])
def test_the_week_costs_the_same_with_1_and_50_events(
    agenda_world: World, client_for: Any, django_assert_num_queries: Any, rows: int
) -> None:
    a = agenda_world.a
    for i in range(rows):
        event(a, title=f"Événement {i}", starts_at=at(1, 8) + datetime.timedelta(minutes=10 * i))
    invite(Event.objects.first(), a.parent)  # type: ignore[arg-type]
    client = client_for(a.parent)
    url, week = reverse("agenda:week"), {"semaine": at(1).date().isoformat()}
    client.get(url, week)
    from romsie.core import versions

    versions.bump(versions.Kind.AGENDA, a.establishment.pk)
    # session, user; the events of the week (one UNION of index lookups, with their classes)
    with django_assert_num_queries(3):
        response = client.get(url, week)
    assert page_text(response).count("Événement") == rows
    # cached: session and user only
    with django_assert_num_queries(2):
        client.get(url, week)
