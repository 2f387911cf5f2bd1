"""A student's history, the class report, the exports, the early-warning thresholds and the alerts."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from romsie.attendance import early_warning, services
from romsie.attendance.models import Absence, JustificationStatus, Lateness, Threshold, ThresholdAlert
from romsie.attendance.selectors import students_totals
from romsie.attendance.tasks import enqueue_thresholds_check
from romsie.core.models import AuditEvent
from romsie.core.testing import factories as f
from romsie.core.testing.world import World
from romsie.identity.models import Role
from romsie.notifications.kinds import render
from romsie.notifications.models import Notification
from romsie.schooling.models import SchoolYear
from romsie.timetable.models import DayOff

from .builders import enable

# A past month of the current school year (2026-2027), whose weekdays are school days.
NOV = datetime.date(2026, 11, 1)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def absent(ew, student, day: datetime.date, start: int = 8, end: int = 17, **fields) -> Absence:
    return Absence.objects.create(
        establishment=ew.establishment, student=student, starts_at=at(day, start), ends_at=at(day, end), **fields
    )


@pytest.fixture
def w(world: World, english: None) -> World:
    enable(world.a, world.c)
    world.a.school_class.homeroom_teacher = world.a.teacher
    world.a.school_class.save(update_fields=["homeroom_teacher"])
    return world


def count_queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


# -- Totals -------------------------------------------------------------------------------------


def test_totals_leave_out_trips_weekends_and_days_off(w):
    a = w.a
    year = SchoolYear.objects.get(establishment=a.establishment, is_current=True)
    DayOff.objects.create(
        establishment=a.establishment,
        school_year=year,
        name="Armistice",
        starts_on=datetime.date(2026, 11, 11),
        ends_on=datetime.date(2026, 11, 11),
    )
    absent(a, a.student, datetime.date(2026, 11, 9))  # Monday: 2
    absent(a, a.student, datetime.date(2026, 11, 10), 8, 10, status=JustificationStatus.JUSTIFIED)  # Tuesday am: 1
    absent(a, a.student, datetime.date(2026, 11, 11))  # the day off: 0
    absent(a, a.student, datetime.date(2026, 11, 14))  # a Saturday: 0
    absent(a, a.student, datetime.date(2026, 11, 12), kind=Absence.Kind.OUT_OF_SCHOOL)  # a trip: 0
    absent(w.c, w.c.student, datetime.date(2026, 11, 9))  # another establishment's
    Lateness.objects.create(establishment=a.establishment, student=a.student, arrived_at=at(NOV, 8, 10), minutes=10)

    totals = students_totals(
        establishment_id=a.establishment.pk,
        student_ids=[a.student.pk, a.student2.pk],
        first_day=NOV,
        last_day=datetime.date(2026, 11, 30),
    )
    mine = totals[a.student.pk]
    assert (mine.half_days, mine.justified, mine.unjustified, mine.pending) == (3, 1, 2, 0)
    assert (mine.lateness, mine.minutes_late) == (1, 10)
    assert totals[a.student2.pk].half_days == 0


# -- A student's history ------------------------------------------------------------------------


def test_homeroom_teacher_reads_the_history_without_an_audit_row(w, client_for):
    a = w.a
    absent(a, a.student, datetime.date(2026, 11, 9), note="Rendez-vous")
    response = client_for(a.teacher).get(reverse("attendance:student", args=[a.student.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Rendez-vous" in page
    assert not AuditEvent.objects.filter(action="attendance.record_read").exists()


def test_a_homeroom_teacher_who_does_not_teach_the_class_is_not_audited(w, client_for):
    a = w.a
    homeroom = f.person(a.establishment, Role.TEACHER, username="homeroom")
    a.class2.homeroom_teacher = homeroom
    a.class2.save(update_fields=["homeroom_teacher"])
    assert client_for(homeroom).get(reverse("attendance:student", args=[a.student2.pk])).status_code == 200
    assert client_for(homeroom).get(reverse("attendance:student", args=[a.student.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="attendance.record_read").exists()


def test_staff_reading_outside_their_classes_is_audited(w, client_for):
    a = w.a
    response = client_for(a.school_life).get(reverse("attendance:student", args=[a.student.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="attendance.record_read")
    assert event.actor_id == a.school_life.pk
    assert event.details["student_id"] == str(a.student.pk)


def test_families_partners_and_strangers_are_refused(w, client_for):
    a = w.a
    url = reverse("attendance:student", args=[a.student.pk])
    for person in (a.parent, a.student, a.partner):
        assert client_for(person).get(url).status_code == 403
    # A teacher who does not teach the student, and staff of another establishment: 404.
    assert client_for(a.teacher).get(reverse("attendance:student", args=[a.student2.pk])).status_code == 404
    assert client_for(w.c.school_life).get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="attendance.record_read").exists()


def test_the_history_costs_the_same_whatever_its_length(w, client_for):
    a = w.a
    client = client_for(a.teacher)
    url = reverse("attendance:student", args=[a.student.pk])
    client.get(url)
    few = count_queries(lambda: client.get(url))
    for day in range(2, 28):
        absent(a, a.student, datetime.date(2026, 11, day), 9, 10)
        Lateness.objects.create(
            establishment=a.establishment, student=a.student, arrived_at=at(datetime.date(2026, 11, day), 8), minutes=5
        )
    services.sanction_give(
        scope=_scope(a.school_life),
        student=a.student,
        kind="reprimand",
        starts_at=at(datetime.date(2026, 11, 20), 9),
        ends_at=None,
        supervisor=None,
        reason="Insolence",
    )
    many = count_queries(lambda: client.get(url))
    assert many == few
    assert few == 15  # the middleware's, the year, periods, class, five lists, days off, two totals


def test_the_history_of_a_period(w, client_for):
    a = w.a
    year = SchoolYear.objects.get(establishment=a.establishment, is_current=True)
    first = _period(year, "Trimestre 1", datetime.date(2026, 9, 1), datetime.date(2026, 11, 30))
    absent(a, a.student, datetime.date(2026, 11, 9))  # in the period: 2
    absent(a, a.student, datetime.date(2026, 12, 1))  # after it: 2 more in the year
    response = client_for(a.school_life).get(reverse("attendance:student", args=[a.student.pk]), {"period": first.pk})
    record = response.context["record"]
    assert record.totals.half_days == 2
    assert record.year_totals.half_days == 4
    assert len(record.absences) == 1


def _period(year, name, starts_on, ends_on):
    from romsie.schooling.models import Period

    return Period.objects.create(
        establishment=year.establishment, school_year=year, name=name, starts_on=starts_on, ends_on=ends_on
    )


def _scope(user):
    from romsie.homework.tests.builders import scope_of

    return scope_of(user)


# -- Exports ------------------------------------------------------------------------------------


def test_history_exports_neutralise_formulas(w, client_for):
    a = w.a
    absent(a, a.student, datetime.date(2026, 11, 9), note='=HYPERLINK("http://evil")')
    client = client_for(a.school_life)
    url = reverse("attendance:student-export", args=[a.student.pk])

    csv = client.get(url, {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ";=HYPERLINK" not in text

    xlsx = client.get(url, {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert '=HYPERLINK("http://evil")' not in cells


# -- The class report ---------------------------------------------------------------------------


def test_class_report_one_row_per_student_sorted_and_exported(w, client_for):
    a = w.a
    other = f.person(a.establishment, Role.STUDENT, username="zoe", first_name="Zoé", last_name="Zola")
    f.EnrollmentFactory(school_class=a.school_class, student=other)
    absent(a, other, datetime.date(2026, 11, 9))
    absent(a, other, datetime.date(2026, 11, 10), 8, 9)
    client = client_for(a.teacher)
    url = reverse("attendance:class-report", args=[a.school_class.pk])

    by_name = client.get(url, {"month": "2026-11"}).context["rows"]
    assert [r.student.pk for r in by_name] == [a.student.pk, other.pk]
    by_absence = client.get(url, {"month": "2026-11", "sort": "half_days"}).context["rows"]
    assert [r.student.pk for r in by_absence] == [other.pk, a.student.pk]
    assert by_absence[0].totals.half_days == 3

    csv = client.get(url, {"month": "2026-11", "format": "csv"}).content.decode("utf-8-sig")
    assert "Zoé Zola;3;0;3;0;0;0" in csv
    xlsx = client.get(url, {"month": "2026-11", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert ("Zoé Zola", 3, 0, 3, 0, 0, 0) in rows
    # Another teacher who is not the homeroom teacher: 404.
    assert client_for(f.person(a.establishment, Role.TEACHER, username="t2")).get(url).status_code == 404


def test_class_report_costs_the_same_for_1_and_35_students(w, client_for):
    a = w.a
    client = client_for(a.school_life)
    url = reverse("attendance:class-report", args=[a.school_class.pk])
    client.get(url, {"month": "2026-11"})
    one = count_queries(lambda: client.get(url, {"month": "2026-11"}))
    for i in range(34):
        student = f.person(a.establishment, Role.STUDENT, username=f"s{i}", last_name=f"Eleve{i:02}")
        f.EnrollmentFactory(school_class=a.school_class, student=student)
        absent(a, student, datetime.date(2026, 11, 9 + i % 5))
    response = client.get(url, {"month": "2026-11"})
    assert len(response.context["rows"]) == 35
    assert count_queries(lambda: client.get(url, {"month": "2026-11"})) == one
    assert one == 7


# -- Thresholds and alerts ----------------------------------------------------------------------


def _four_unjustified_half_days(ew, student) -> None:
    absent(ew, student, datetime.date(2026, 11, 9))
    absent(ew, student, datetime.date(2026, 11, 10))


def test_a_threshold_is_raised_once_and_tells_homeroom_and_school_life(w):
    a = w.a
    _four_unjustified_half_days(a, a.student)
    absent(a, a.student2, datetime.date(2026, 11, 9))  # 2 half-days: below

    raised = early_warning.thresholds_check(
        establishment_id=a.establishment.pk, student_ids=[a.student.pk, a.student2.pk], month=NOV
    )
    assert [(r.student_id, r.half_days) for r in raised] == [(a.student.pk, 4)]
    assert Threshold.objects.get(establishment=a.establishment).half_days == 4  # the default, created
    told = set(Notification.objects.filter(kind="attendance.threshold_reached").values_list("recipient_id", flat=True))
    assert told == {a.teacher.pk, a.school_life.pk}
    note = Notification.objects.filter(kind="attendance.threshold_reached").first()
    assert note.url == reverse("attendance:student", args=[a.student.pk])

    assert (
        render(note)
        == f"{a.student.get_full_name()} has 4 unjustified half-days of absence in November 2026 (alert at 4)."
    )

    again = early_warning.thresholds_check(establishment_id=a.establishment.pk, student_ids=[a.student.pk], month=NOV)
    assert again == []
    assert ThresholdAlert.objects.count() == 1
    assert Notification.objects.filter(kind="attendance.threshold_reached").count() == 2


def test_justified_absences_and_other_months_do_not_count(w):
    a = w.a
    absent(a, a.student, datetime.date(2026, 11, 9), status=JustificationStatus.JUSTIFIED)
    absent(a, a.student, datetime.date(2026, 11, 10), status=JustificationStatus.PENDING)
    absent(a, a.student, datetime.date(2026, 12, 1))
    assert (
        early_warning.thresholds_check(establishment_id=a.establishment.pk, student_ids=[a.student.pk], month=NOV) == []
    )


def test_the_task_checks_after_the_commit(w, django_capture_on_commit_callbacks):
    a = w.a
    _four_unjustified_half_days(a, a.student)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_thresholds_check(
            establishment_id=a.establishment.pk,
            student_ids=[a.student.pk, a.student.pk],
            month=datetime.date(2026, 11, 17),
        )
        assert not ThresholdAlert.objects.exists()
    assert callbacks, "the check waits for the commit"
    alert = ThresholdAlert.objects.get()
    assert (alert.student_id, alert.month) == (a.student.pk, NOV)


def test_threshold_settings_and_alert_handling(w, client_for):
    a = w.a
    head = client_for(a.head)
    response = head.post(reverse("attendance:threshold-list"), {"half_days": "6"})
    assert response.status_code == 302
    assert sorted(Threshold.objects.filter(establishment=a.establishment).values_list("half_days", flat=True)) == [4, 6]
    again = head.post(reverse("attendance:threshold-list"), {"half_days": "6"})
    assert again.status_code == 200 and "already a threshold" in again.content.decode()
    six = Threshold.objects.get(establishment=a.establishment, half_days=6)
    assert head.post(reverse("attendance:threshold-delete", args=[six.pk])).status_code == 302
    assert not Threshold.objects.filter(pk=six.pk).exists()

    _four_unjustified_half_days(a, a.student)
    early_warning.thresholds_check(establishment_id=a.establishment.pk, student_ids=[a.student.pk], month=NOV)
    alert = ThresholdAlert.objects.get()
    life = client_for(a.school_life)
    page = life.get(reverse("attendance:alert-list"))
    assert page.context["alerts"] == [alert]
    assert life.post(reverse("attendance:alert-handle", args=[alert.pk])).status_code == 302
    alert.refresh_from_db()
    assert alert.handled_by_id == a.school_life.pk
    assert life.get(reverse("attendance:alert-list")).context["alerts"] == []
    # Handled once: a second click is a 404, another establishment's staff never see it.
    assert life.post(reverse("attendance:alert-handle", args=[alert.pk])).status_code == 404
