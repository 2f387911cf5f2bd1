"""The office's entries: absences by phone, school trips, lateness at the gate, edits, reasons."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from romsie.attendance import reasons, services
from romsie.attendance.models import Absence, AbsenceReason, JustificationStatus, Lateness
from romsie.core.models import AuditEvent
from romsie.core.testing import factories as f
from romsie.identity.models import Role
from romsie.notifications.models import Notification

from .builders import enable
from .builders_office import absence_for, at, lateness_for, reason_for, scope_of, session_on


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages in English."""


@pytest.fixture
def office(world, client_for):
    enable(world.a, world.c)
    return client_for(world.a.school_life)


def _day(days: int = 1) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


# -- An absence told by phone ----------------------------------------------------------------


def test_a_whole_day_absence_with_a_justifying_reason_tells_the_family(world, office):
    illness = reason_for(world.a, "Maladie", justifies=True)
    response = office.post(
        reverse("attendance:absence-create"),
        {"student": f"user:{world.a.student.pk}", "starts_on": _day(1), "ends_on": _day(2), "reason": illness.pk},
    )
    assert response.status_code == 302
    absence = Absence.objects.get()
    assert (absence.starts_at, absence.ends_at) == (at(_day(1), 0), at(_day(3), 0))
    assert absence.status == JustificationStatus.JUSTIFIED and absence.kind == Absence.Kind.ABSENCE
    told = set(Notification.objects.filter(kind="attendance.absence").values_list("recipient_id", flat=True))
    assert told == {world.a.student.pk, world.a.parent.pk}
    assert AuditEvent.objects.filter(action="attendance.absence_create").count() == 1
    from django.utils import formats

    from romsie.notifications.kinds import render

    text = render(Notification.objects.filter(kind="attendance.absence").first())
    first, last = (formats.date_format(d, "MONTH_DAY_FORMAT") for d in (_day(1), _day(2)))
    assert f"was marked absent from {first} to {last}." in text and "00:00" not in text


def test_a_period_with_times_and_no_reason_is_not_justified(world, office):
    office.post(
        reverse("attendance:absence-create"),
        {"student": f"user:{world.a.student.pk}", "starts_on": _day(), "starts_time": "10:00", "ends_time": "12:30"},
    )
    absence = Absence.objects.get()
    assert (absence.starts_at, absence.ends_at) == (at(_day(), 10), at(_day(), 12, 30))
    assert absence.status == JustificationStatus.UNJUSTIFIED


def test_an_end_before_the_start_is_refused(world, office):
    response = office.post(
        reverse("attendance:absence-create"),
        {"student": f"user:{world.a.student.pk}", "starts_on": _day(2), "ends_on": _day(1)},
    )
    assert response.status_code == 200
    assert "The end must come after the start." in response.content.decode()
    assert not Absence.objects.exists()


def test_a_student_of_another_establishment_is_refused(world, office):
    response = office.post(
        reverse("attendance:absence-create"), {"student": f"user:{world.c.student.pk}", "starts_on": _day()}
    )
    assert response.status_code == 200
    assert "Choose current students of the establishment." in response.content.decode()
    assert not Absence.objects.exists() and not Notification.objects.exists()


def test_an_overlapping_absence_is_refused_with_the_existing_one_named(world, office):
    absence_for(world.a, day=_day())
    response = office.post(
        reverse("attendance:absence-create"), {"student": f"user:{world.a.student.pk}", "starts_on": _day()}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "is already recorded away" in page
    assert Absence.objects.count() == 1 and not Notification.objects.exists()


def test_the_picker_finds_students_by_name_here_only(world, office):
    response = office.get(reverse("attendance:student-search", args=["student"]), {"q": world.a.student.last_name})
    assert world.a.student.get_full_name() in response.content.decode() or world.a.student.last_name in (
        response.content.decode()
    )
    response = office.get(reverse("attendance:student-search", args=["student"]), {"q": world.c.student.last_name})
    assert world.c.student.last_name not in response.content.decode()
    assert office.get(reverse("attendance:student-search", args=["other"])).status_code == 404


# -- A school trip -----------------------------------------------------------------------------


def _trip(office, students, **extra):
    data = {"students": [f"user:{s.pk}" for s in students], "starts_on": _day(), "note": "Musée", **extra}
    with CaptureQueriesContext(connection) as queries:
        response = office.post(reverse("attendance:outing-create"), data)
    return response, len(queries)


def test_a_trip_puts_the_students_out_of_school_without_alerts(world, office):
    response, _ = _trip(office, [world.a.student, world.a.student2])
    assert response.status_code == 302
    outings = Absence.objects.all()
    assert {a.student_id for a in outings} == {world.a.student.pk, world.a.student2.pk}
    assert {a.kind for a in outings} == {Absence.Kind.OUT_OF_SCHOOL}
    assert not Notification.objects.exists()


def test_a_trip_costs_the_same_for_two_and_twenty_students(world, office):
    ew = world.a
    others = [f.person(ew.establishment, Role.STUDENT, username=f"trip{i}") for i in range(18)]
    for person in others:
        f.EnrollmentFactory(school_class=ew.school_class, student=person)
    office.get(reverse("attendance:outing-create"))  # warm the session
    _, small = _trip(office, [ew.student, ew.student2])
    Absence.objects.all().delete()
    _, large = _trip(office, [ew.student, ew.student2, *others])
    assert Absence.objects.count() == 20
    assert small == large == 10


def test_picking_a_class_ticks_its_students(world, office):
    response = office.get(reverse("attendance:outing-create"), {"class": world.a.school_class.pk})
    assert f'value="user:{world.a.student.pk}"' in response.content.decode()
    assert office.get(reverse("attendance:outing-create"), {"class": world.c.school_class.pk}).status_code == 404


def test_a_trip_with_a_student_already_absent_is_refused_whole(world, office):
    absence_for(world.a, day=_day())
    response, _ = _trip(office, [world.a.student, world.a.student2])
    assert response.status_code == 200 and "is already recorded away" in response.content.decode()
    assert Absence.objects.count() == 1


# -- Lateness at the gate ----------------------------------------------------------------------


def test_a_lateness_is_linked_to_the_running_session_and_tells_the_family(world, office):
    session = session_on(world.a.teaching, _day(), 9)
    response = office.post(
        reverse("attendance:lateness-create"),
        {"student": f"user:{world.a.student.pk}", "arrived_at": f"{_day().isoformat()}T09:12", "minutes": "12"},
    )
    assert response.status_code == 302
    lateness = Lateness.objects.get()
    assert lateness.session == session and lateness.minutes == 12
    told = set(Notification.objects.filter(kind="attendance.lateness").values_list("recipient_id", flat=True))
    assert told == {world.a.student.pk, world.a.parent.pk}


@pytest.mark.parametrize("minutes", ["-5", "0", "900"])
def test_a_lateness_out_of_range_is_refused(world, office, minutes):
    response = office.post(
        reverse("attendance:lateness-create"),
        {"student": f"user:{world.a.student.pk}", "arrived_at": f"{_day().isoformat()}T09:12", "minutes": minutes},
    )
    assert response.status_code == 200 and not Lateness.objects.exists()


def test_the_service_refuses_a_lateness_out_of_range_too(world):
    enable(world.a)
    from romsie.core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        services.lateness_create(
            scope=scope_of(world.a.school_life), student=world.a.student, arrived_at=timezone.now(), minutes=900
        )


# -- Edits -------------------------------------------------------------------------------------


def test_an_absence_is_edited_and_audited_and_a_stale_edit_refused(world, office):
    absence = absence_for(world.a, day=_day())
    url = reverse("attendance:absence-update", args=[absence.pk])
    data = {
        "starts_at": f"{_day().isoformat()}T08:00",
        "ends_at": f"{_day().isoformat()}T17:00",
        "status": "justified",
        "note": "certificate seen",
        "version": "0",
    }
    assert office.post(url, data).status_code == 302
    absence.refresh_from_db()
    assert absence.status == JustificationStatus.JUSTIFIED and absence.ends_at == at(_day(), 17)
    assert AuditEvent.objects.filter(action="attendance.absence_update").count() == 1
    stale = office.post(url, {**data, "note": "late edit"})
    assert stale.status_code == 200 and "Someone else changed this" in stale.content.decode()
    absence.refresh_from_db()
    assert absence.note == "certificate seen"


def test_an_absence_is_closed(world, office):
    absence = absence_for(world.a, day=_day())
    response = office.post(reverse("attendance:absence-close", args=[absence.pk]), {"version": "0"})
    assert response.status_code == 302
    absence.refresh_from_db()
    assert absence.is_closed and AuditEvent.objects.filter(action="attendance.absence_close").exists()


def test_a_lateness_is_edited(world, office):
    lateness = lateness_for(world.a)
    url = reverse("attendance:lateness-update", args=[lateness.pk])
    response = office.post(url, {"minutes": "25", "status": "justified", "version": "0"})
    assert response.status_code == 302
    lateness.refresh_from_db()
    assert (lateness.minutes, lateness.status) == (25, JustificationStatus.JUSTIFIED)
    assert office.post(url, {"minutes": "900", "status": "justified", "version": "1"}).status_code == 200


# -- Absence reasons ---------------------------------------------------------------------------


def test_the_default_reasons_are_created_on_first_use(world, office):
    response = office.get(reverse("attendance:reason-list"))
    found = list(AbsenceReason.objects.filter(establishment=world.a.establishment))
    assert len(found) == len(reasons.DEFAULT_REASONS)
    assert [r.label for r in found if not r.justifies] == ["No reason"]
    assert "Illness" in response.content.decode()
    assert len(reasons.default_reasons_ensure(world.a.establishment.pk)) == len(reasons.DEFAULT_REASONS)  # not twice


def test_a_reason_is_added_and_a_duplicate_refused(world, office):
    url = reverse("attendance:reason-create")
    assert office.post(url, {"label": "Grève", "justifies": "on", "order": "2"}).status_code == 302
    again = office.post(url, {"label": "grève", "order": "3"})
    assert again.status_code == 200 and "already has a reason" in again.content.decode()
    assert AbsenceReason.objects.filter(label__iexact="grève").count() == 1


def test_another_establishments_reason_is_not_offered(world, office):
    theirs = reason_for(world.c, "Leur motif")
    response = office.post(
        reverse("attendance:absence-create"),
        {"student": f"user:{world.a.student.pk}", "starts_on": _day(), "reason": theirs.pk},
    )
    assert response.status_code == 200 and not Absence.objects.exists()


# -- Budgets -----------------------------------------------------------------------------------


def _count(client, method: str, url: str, data: dict | None = None) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    return response.status_code, len(queries)


def test_the_office_forms_cost_a_fixed_number_of_queries(world, office):
    reason_for(world.a, "Maladie")
    office.get(reverse("attendance:register"))  # warm the session
    assert _count(office, "get", reverse("attendance:absence-create")) == (200, BUDGET_ABSENCE_FORM)
    data = {"student": f"user:{world.a.student.pk}", "starts_on": _day()}
    assert _count(office, "post", reverse("attendance:absence-create"), data) == (302, BUDGET_ABSENCE_SAVE)
    data = {"student": f"user:{world.a.student.pk}", "arrived_at": f"{_day().isoformat()}T10:05", "minutes": "5"}
    assert _count(office, "post", reverse("attendance:lateness-create"), data) == (302, BUDGET_LATENESS_SAVE)


BUDGET_ABSENCE_FORM = 4
BUDGET_ABSENCE_SAVE = 14
BUDGET_LATENESS_SAVE = 13


def test_the_pickers_search_button_without_javascript_finds_and_saves_nothing(world, office):
    response = office.post(
        reverse("attendance:absence-create"),
        {"q": world.a.student2.last_name, "picker_search": "1", "starts_on": _day()},
    )
    assert response.status_code == 200
    assert f'value="user:{world.a.student2.pk}"' in response.content.decode()
    assert not Absence.objects.exists()


def test_a_stale_close_is_refused(world, office):
    absence = absence_for(world.a, day=_day())
    response = office.post(reverse("attendance:absence-close", args=[absence.pk]), {"version": "7"}, follow=True)
    assert "Someone else changed this" in response.content.decode()
    absence.refresh_from_db()
    assert not absence.is_closed


def test_absences_over_the_threshold_raise_one_alert_to_school_life(world, office, django_capture_on_commit_callbacks):
    from romsie.attendance.models import ThresholdAlert

    with django_capture_on_commit_callbacks(execute=True):  # the check runs in a task once committed
        response = office.post(
            reverse("attendance:absence-create"),
            {"student": f"user:{world.a.student.pk}", "starts_on": "2026-11-16", "ends_on": "2026-11-18"},
        )
    assert response.status_code == 302
    alert = ThresholdAlert.objects.get()
    assert (alert.student_id, alert.month, alert.half_days) == (world.a.student.pk, datetime.date(2026, 11, 1), 6)
    told = Notification.objects.filter(kind="attendance.threshold_reached").values_list("recipient_id", flat=True)
    assert world.a.school_life.pk in set(told)
