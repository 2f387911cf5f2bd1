"""A teacher reports an incident; the CPE gives a detention; the parent sees the notification."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from romsie.attendance.models import Absence, Incident, Sanction
from romsie.attendance.tests.builders import enable
from romsie.core.testing.world import World

from .support import Journey


@pytest.mark.parametrize("viewport", ["desktop"])
def test_teacher_reports_an_incident_the_cpe_gives_a_detention_the_parent_is_told(
    journey: Journey, world: World, another_journey: Any
) -> None:
    a = world.a
    enable(a)
    page = journey.page

    # The teacher reports an incident in the playground, naming the student.
    journey.sign_in(a.teacher.username)
    journey.open("attendance:incident-create")
    page.fill("#id_occurred_at", "2026-11-20T10:15")
    page.fill("#id_place", "Cour de récréation")
    page.check(f"#id_students-student{a.student.pk}")
    page.fill("#id_description", "Bousculade dans l'escalier.")
    page.fill("#id_witnesses", "Mme Martin")
    journey.submit()
    incident = Incident.objects.get()
    journey.assert_at("attendance:incident-detail", incident.pk)
    expect(page.locator("main")).to_contain_text("Cour de récréation")
    journey.check()

    # The CPE opens the incident and gives a detention supervised by the teacher.
    cpe = another_journey("desktop")
    cpe.sign_in(a.school_life.username)
    cpe.open("attendance:incident-list")
    cpe.follow(f"main a[href='{cpe.route('attendance:incident-detail', incident.pk)}']")
    cpe.follow("main a[href*='sanctions/nouvelle/']")
    cpe.page.select_option("#id_kind", "detention")
    cpe.page.fill("#id_starts_at", "2026-11-25T14:00")
    cpe.page.select_option("#id_supervisor", str(a.teacher.pk))
    cpe.page.fill("#id_reason", "Bousculade dans l'escalier")
    cpe.submit()
    cpe.assert_at("attendance:incident-detail", incident.pk)
    cpe.check()
    sanction = Sanction.objects.get()
    assert (sanction.student_id, sanction.kind, sanction.supervisor_id) == (a.student.pk, "detention", a.teacher.pk)
    # The detention is in the student's history; the class report, alerts and thresholds pages read well too.
    cpe.open("attendance:student", a.student.pk)
    expect(cpe.page.locator("section[aria-labelledby=record-sanctions]")).to_contain_text("Bousculade")
    cpe.open("attendance:class-report", a.school_class.pk)
    cpe.open("attendance:alert-list")
    cpe.open("attendance:threshold-list")

    # The parent sees the notification of the measure given to their child.
    parent = another_journey("desktop")
    parent.sign_in(a.parent.username)
    parent.open("notifications:notification-list")
    expect(parent.page.locator("main")).to_contain_text(a.student.get_full_name())
    expect(parent.page.locator("main")).to_contain_text(str(Sanction.Kind.DETENTION.label))


@pytest.mark.parametrize("viewport", ["phone"])
def test_record_pages_read_well_on_a_phone(journey: Journey, world: World) -> None:
    a = world.a
    enable(a)
    a.school_class.homeroom_teacher = a.teacher
    a.school_class.save(update_fields=["homeroom_teacher"])
    day = timezone.localdate().replace(day=1)
    Absence.objects.create(
        establishment=a.establishment,
        student=a.student,
        starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(8))),
        ends_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(17))),
        note="Rendez-vous médical",
    )
    journey.sign_in(a.teacher.username)
    journey.open("attendance:class-report", a.school_class.pk)
    journey.follow(f"main a[href='{journey.route('attendance:student', a.student.pk)}']")
    expect(journey.page.locator("main")).to_contain_text("Rendez-vous médical")
    journey.open("attendance:incident-create")
