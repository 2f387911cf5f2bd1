"""Incidents and sanctions: reporting, following up, giving a measure, telling the family."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from romsie.attendance.models import Incident, IncidentStudent, Sanction
from romsie.core.models import AuditEvent
from romsie.core.testing.editing import race_on_form
from romsie.core.testing.world import World
from romsie.notifications.kinds import render
from romsie.notifications.models import Notification

from .builders import enable


@pytest.fixture
def w(world: World, english: None) -> World:
    enable(world.a, world.c)
    return world


def _report(client, *students, **fields):
    data = {"occurred_at": "2026-11-20T10:15", "place": "Cour", "description": "Bousculade", "witnesses": "M. Durand"}
    data.update(fields)
    return client.post(
        reverse("attendance:incident-create"), {**data, "students": [f"student:{s.pk}" for s in students]}
    )


def test_a_teacher_reports_an_incident_and_sees_it(w, client_for):
    a = w.a
    teacher = client_for(a.teacher)
    form = teacher.get(reverse("attendance:incident-create")).content.decode()
    assert a.student.get_full_name() in form and w.c.student.get_full_name() not in form

    response = _report(teacher, a.student, a.student2)
    incident = Incident.objects.get()
    assert response.status_code == 302 and response.url == reverse("attendance:incident-detail", args=[incident.pk])
    assert set(IncidentStudent.objects.values_list("student_id", flat=True)) == {a.student.pk, a.student2.pk}
    assert (incident.reported_by_id, incident.place, incident.witnesses) == (a.teacher.pk, "Cour", "M. Durand")
    assert AuditEvent.objects.filter(action="attendance.incident_report", actor_id=a.teacher.pk).exists()
    assert teacher.get(reverse("attendance:incident-list")).context["incidents"] == [incident]
    # A colleague sees their own reports only; school life sees all of them.
    assert client_for(a.school_life).get(reverse("attendance:incident-list")).context["incidents"] == [incident]


def test_a_student_of_another_establishment_or_none_is_refused(w, client_for):
    teacher = client_for(w.a.teacher)
    stranger = _report(teacher, w.c.student)
    assert stranger.status_code == 200
    assert "not students of the establishment" in stranger.content.decode()
    nobody = _report(teacher)
    assert nobody.status_code == 200
    assert not Incident.objects.exists()


def test_follow_up_is_versioned(w, client_for):
    a = w.a
    _report(client_for(a.teacher), a.student)
    incident = Incident.objects.get()
    url = reverse("attendance:incident-detail", args=[incident.pk])
    life = client_for(a.school_life)
    page = life.get(url)
    version = page.context["form"]["version"].value()
    assert (
        life.post(url, {"status": "closed", "follow_up": "Vu avec la famille", "version": version}).status_code == 302
    )
    stale = life.post(url, {"status": "open", "follow_up": "Autre suivi", "version": version})
    assert stale.status_code == 200
    incident.refresh_from_db()
    assert (incident.status, incident.follow_up) == ("closed", "Vu avec la famille")
    # The reporting teacher reads it but may not follow it up.
    assert client_for(a.teacher).post(url, {"status": "open", "version": version + 1}).status_code == 403


def test_follow_up_race(w, client_for):
    """Two people follow the same incident up at once: the later save is refused with the other's text shown."""
    a = w.a
    _report(client_for(a.teacher), a.student)
    incident = Incident.objects.get()
    refused = race_on_form(
        reverse("attendance:incident-detail", args=[incident.pk]),
        first=client_for(a.school_life),
        second=client_for(a.head),
        first_data={"status": "closed", "follow_up": "Premier suivi"},
        second_data={"status": "open", "follow_up": "Second suivi"},
    )
    page = refused.content.decode()
    assert "Premier suivi" in page and "Second suivi" in page
    incident.refresh_from_db()
    assert incident.follow_up == "Premier suivi"


def test_a_detention_needs_a_supervisor_and_tells_the_family(w, client_for):
    a = w.a
    _report(client_for(a.teacher), a.student)
    incident = Incident.objects.get()
    life = client_for(a.school_life)
    url = reverse("attendance:sanction-create") + f"?incident={incident.pk}"
    form = life.get(url)
    assert list(form.context["form"].fields["student"].queryset) == [a.student]
    data = {"student": a.student.pk, "kind": "detention", "starts_at": "2026-11-25T14:00", "reason": "Bousculade"}

    refused = life.post(url, data)
    assert refused.status_code == 200 and "supervises the detention" in refused.content.decode()
    assert not Sanction.objects.exists()

    done = life.post(url, {**data, "supervisor": a.teacher.pk})
    assert done.status_code == 302
    sanction = Sanction.objects.get()
    assert (sanction.incident_id, sanction.supervisor_id, sanction.given_by_id) == (
        incident.pk,
        a.teacher.pk,
        a.school_life.pk,
    )
    told = set(Notification.objects.filter(kind="attendance.sanction").values_list("recipient_id", flat=True))
    assert told == {a.student.pk, a.parent.pk}
    note = Notification.objects.filter(kind="attendance.sanction", recipient=a.parent).get()
    assert render(note) == f"{a.student.get_full_name()} was given a measure: Detention, on November 25."
    assert AuditEvent.objects.filter(action="attendance.sanction_give").exists()
    # It is in the student's history.
    record = life.get(reverse("attendance:student", args=[a.student.pk])).context["record"]
    assert record.sanctions == [sanction] and record.incidents == [incident]


def test_a_sanction_for_a_student_of_another_establishment_is_a_404(w, client_for):
    life = client_for(w.a.school_life)
    assert life.get(reverse("attendance:sanction-create") + f"?student={w.c.student.pk}").status_code == 404
    response = life.post(
        reverse("attendance:sanction-create"),
        {"student": w.c.student.pk, "kind": "reprimand", "starts_at": "2026-11-25T14:00", "reason": "x"},
    )
    assert response.status_code == 200 and not Sanction.objects.exists()


def test_a_temporary_exclusion_needs_its_end(w, client_for):
    a = w.a
    life = client_for(a.school_life)
    data = {"student": a.student.pk, "kind": "temp_school", "starts_at": "2026-11-25T08:00", "reason": "Violence"}
    assert life.post(reverse("attendance:sanction-create"), data).status_code == 200
    assert not Sanction.objects.exists()
    done = life.post(reverse("attendance:sanction-create"), {**data, "ends_at": "2026-11-27T18:00"})
    assert done.status_code == 302 and Sanction.objects.get().ends_at is not None


def test_incident_list_costs_the_same_for_1_and_30_incidents(w, client_for):
    a = w.a
    teacher = client_for(a.teacher)
    _report(teacher, a.student)
    life = client_for(a.school_life)
    url = reverse("attendance:incident-list")
    life.get(url)
    with CaptureQueriesContext(connection) as one:
        assert len(life.get(url).context["incidents"]) == 1
    for _ in range(29):
        _report(teacher, a.student, a.student2)
    with CaptureQueriesContext(connection) as thirty:
        assert len(life.get(url).context["incidents"]) == 30
    assert len(thirty) == len(one) == 4  # session, person, incidents, their students


def test_incident_list_pages_newest_first(w, client_for):
    a = w.a
    start = timezone.now() - datetime.timedelta(days=60)
    made = [
        Incident.objects.create(
            establishment=a.establishment,
            occurred_at=start + datetime.timedelta(hours=i),
            place=f"Salle {i}",
            description="x",
            reported_by=a.teacher,
        )
        for i in range(51)
    ]
    life = client_for(a.school_life)
    first = life.get(reverse("attendance:incident-list"))
    assert first.context["incidents"] == made[::-1][:50]
    cursor = first.context["page"].next_cursor
    second = life.get(reverse("attendance:incident-list"), {"apres": cursor})
    assert second.context["incidents"] == [made[0]]
    assert life.get(reverse("attendance:incident-list"), {"apres": "garbage"}).context["incidents"] == made[::-1][:50]
