"""Calling the roll: the page, the marks, absences and lateness kept in step, alerts, corrections, access."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.attendance import services
from romsie.attendance.models import (
    Absence,
    AbsenceReason,
    AttendanceMark,
    Exemption,
    Justification,
    JustificationStatus,
    Lateness,
    RollCall,
)
from romsie.core.errors import ApplicationError
from romsie.core.models import AuditEvent
from romsie.core.testing import factories as f
from romsie.core.testing.editing import REFUSAL, page_text, race_on_form, shown_version
from romsie.core.testing.world import World
from romsie.homework.tests.builders import scope_of, session_on
from romsie.identity.models import Role, User
from romsie.notifications.kinds import render
from romsie.notifications.models import Notification
from romsie.timetable.models import Session

from .builders import enable


@dataclass
class Roll:
    world: World
    session: Session  # yesterday 09:00 of world.a.teaching (class school_class, one student)
    url: str


@pytest.fixture
def roll(world: World) -> Roll:
    enable(world.a, world.b, world.c)
    session = session_on(world.a.teaching, timezone.localdate() - datetime.timedelta(days=1))
    return Roll(world, session, reverse("attendance:roll-call", args=[session.pk]))


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages and messages in English."""


def add_students(world: World, count: int, *, tag: str = "x") -> list[User]:
    """``count`` more students in ``a``'s first class, each with a parent."""
    students = []
    for i in range(count):
        student = f.person(world.a.establishment, Role.STUDENT, last_name=f"Eleve{tag}{i:02d}")
        parent = f.person(world.a.establishment, Role.PARENT, last_name=f"Parent{tag}{i:02d}")
        f.EnrollmentFactory(school_class=world.a.school_class, student=student)
        f.GuardianshipFactory(establishment=world.a.establishment, guardian=parent, student=student)
        students.append(student)
    return students


def marks_post(students: list[User], marks: dict[int, str] | None = None, **extra: str) -> dict[str, str]:
    """A roll-call POST: everyone present but ``marks`` ({student pk: "absent" | "late:10" | "left_early"})."""
    marks = marks or {}
    data = {}
    for student in students:
        status, _, minutes = marks.get(student.pk, "present").partition(":")
        data[f"status-{student.pk}"] = status
        data[f"minutes-{student.pk}"] = minutes
    data.update(extra)
    return data


def test_the_roll_opens_with_everyone_present_names_and_class(roll, client_for):
    w = roll.world
    response = client_for(w.a.teacher).get(roll.url)
    assert response.status_code == 200
    page = response.content.decode()
    assert w.a.student.last_name in page
    assert w.a.school_class.name in page
    form = response.context["form"]
    assert form[f"status-{w.a.student.pk}"].value() == "present"
    assert "Roll not called yet" in page
    assert "version" not in form.fields


def test_teacher_marks_absent_and_late_families_told_once_in_bulk(roll, client_for):
    w = roll.world
    late, left = add_students(w, 2)
    students = [w.a.student, late, left]
    client = client_for(w.a.teacher)

    response = client.post(
        roll.url, marks_post(students, {w.a.student.pk: "absent", late.pk: "late:10", left.pk: "left_early"})
    )

    assert response.status_code == 302
    roll_call = RollCall.objects.get(session=roll.session)
    assert roll_call.called_by == w.a.teacher and roll_call.updated_by is None
    assert {(m.student_id, m.status, m.minutes_late) for m in AttendanceMark.objects.all()} == {
        (w.a.student.pk, "absent", None),
        (late.pk, "late", 10),
        (left.pk, "left_early", None),
    }
    absence = Absence.objects.get()
    starts = timezone.make_aware(datetime.datetime.combine(roll.session.date, roll.session.starts_at))
    ends = timezone.make_aware(datetime.datetime.combine(roll.session.date, roll.session.ends_at))
    assert (absence.student, absence.session, absence.starts_at, absence.ends_at) == (
        w.a.student,
        roll.session,
        starts,
        ends,
    )
    assert absence.status == JustificationStatus.UNJUSTIFIED
    lateness = Lateness.objects.get()
    assert (lateness.student, lateness.minutes, lateness.arrived_at) == (
        late,
        10,
        starts + datetime.timedelta(minutes=10),
    )
    # The parent of the absent student and the student are told; the one who left early is not.
    told = Notification.objects.filter(kind="attendance.absence")
    assert set(told.values_list("recipient_id", flat=True)) == {w.a.parent.pk, w.a.student.pk}
    text = render(told.get(recipient=w.a.parent))
    assert w.a.student.get_full_name() in text and "Mathématiques" in text and "09:00" in text
    assert Notification.objects.filter(kind="attendance.lateness").count() == 2
    assert not AuditEvent.objects.filter(action="attendance.roll_call_corrected").exists()


def test_a_second_save_is_a_correction_audited_and_no_second_alert(roll, client_for):
    w = roll.world
    client = client_for(w.a.teacher)
    client.post(roll.url, marks_post([w.a.student], {w.a.student.pk: "absent"}))
    page = client.get(roll.url)
    assert "Roll called by" in page.content.decode()
    version = page.context["form"]["version"].value()

    response = client.post(roll.url, marks_post([w.a.student], {w.a.student.pk: "absent"}, version=str(version)))

    assert response.status_code == 302
    roll_call = RollCall.objects.get()
    assert roll_call.updated_by == w.a.teacher and roll_call.updated_at is not None
    assert Absence.objects.count() == 1
    assert Notification.objects.filter(kind="attendance.absence", recipient=w.a.parent).count() == 1
    assert AuditEvent.objects.filter(action="attendance.roll_call_corrected").count() == 1


def test_correction_to_present_deletes_the_unjustified_absence_but_keeps_a_justified_one(roll, client_for):
    w = roll.world
    other = add_students(w, 1)[0]
    students = [w.a.student, other]
    client = client_for(w.a.teacher)
    client.post(roll.url, marks_post(students, {w.a.student.pk: "absent", other.pk: "absent"}))
    justified = Absence.objects.get(student=other)
    reason = AbsenceReason.objects.create(establishment=w.a.establishment, label="Illness")
    Justification.objects.create(
        establishment=w.a.establishment, absence=justified, reason=reason, submitted_by=w.a.parent, size_bytes=0
    )
    justified.status = JustificationStatus.PENDING
    justified.save()

    version = RollCall.objects.get().version
    response = client.post(roll.url, marks_post(students, version=str(version)), follow=True)

    assert list(Absence.objects.values_list("student_id", flat=True)) == [other.pk]
    assert AttendanceMark.objects.count() == 0
    assert "was kept" in response.content.decode()
    event = AuditEvent.objects.get(action="attendance.roll_call_corrected")
    assert f"{w.a.student.pk}:absent->present" in event.details["changes"]


def test_correction_of_minutes_moves_the_lateness(roll, client_for):
    w = roll.world
    client = client_for(w.a.teacher)
    client.post(roll.url, marks_post([w.a.student], {w.a.student.pk: "late:5"}))
    version = RollCall.objects.get().version
    client.post(roll.url, marks_post([w.a.student], {w.a.student.pk: "late:25"}, version=str(version)))
    lateness = Lateness.objects.get()
    assert lateness.minutes == 25
    assert AttendanceMark.objects.get().minutes_late == 25
    assert Notification.objects.filter(kind="attendance.lateness", recipient=w.a.parent).count() == 1


@pytest.mark.parametrize(
    ("marks", "message"),
    [
        ({"late": "-5"}, "Ensure this value is greater than or equal to 1"),
        ({"late": "900"}, "Ensure this value is less than or equal to 240"),
        ({"late": ""}, "Say how many minutes late"),
        ({"status": "asleep"}, "Select a valid choice"),
        ({"stranger": "absent"}, "not expected at this session"),
    ],
)
def test_bad_input_is_refused_nothing_saved_and_what_was_typed_kept(roll, client_for, marks, message):
    w = roll.world
    other = add_students(w, 1)[0]
    data = marks_post([w.a.student, other], {other.pk: "absent"})
    if "late" in marks:
        data[f"status-{w.a.student.pk}"] = "late"
        data[f"minutes-{w.a.student.pk}"] = marks["late"]
    if "status" in marks:
        data[f"status-{w.a.student.pk}"] = marks["status"]
    if "stranger" in marks:
        data[f"status-{w.a.student2.pk}"] = marks["stranger"]

    response = client_for(w.a.teacher).post(roll.url, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RollCall.objects.exists() and not AttendanceMark.objects.exists() and not Absence.objects.exists()
    assert response.context["form"][f"status-{other.pk}"].value() == "absent", "what was typed is kept"


def test_the_service_refuses_what_the_form_would_not_let_through(roll):
    w = roll.world
    scope = scope_of(w.a.teacher)
    for marks in (
        {w.a.student2.pk: services.Mark("absent")},
        {w.a.student.pk: services.Mark("late", 0)},
        {w.a.student.pk: services.Mark("late", 241)},
        {w.a.student.pk: services.Mark("sleeping")},
    ):
        with pytest.raises(ApplicationError):
            services.roll_call_save(scope=scope, session=roll.session, marks=marks, version=None)
    assert not RollCall.objects.exists()


def test_flags_last_absentees_exemptions_and_absences_known_to_school_life(roll, client_for):
    w = roll.world
    exempt, known, trip = add_students(w, 3)
    day = roll.session.date
    earlier = session_on(w.a.teaching, day - datetime.timedelta(days=7))
    services.roll_call_save(
        scope=scope_of(w.a.teacher), session=earlier, marks={w.a.student.pk: services.Mark("absent")}, version=None
    )
    Exemption.objects.create(
        establishment=w.a.establishment, student=exempt, subject=w.a.subject, starts_on=day, ends_on=day, size_bytes=0
    )
    noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    Absence.objects.create(
        establishment=w.a.establishment, student=known, starts_at=noon - datetime.timedelta(hours=5), ends_at=noon
    )
    away = add_students(w, 1, tag="trip")[0]
    Absence.objects.create(
        establishment=w.a.establishment,
        student=away,
        kind=Absence.Kind.OUT_OF_SCHOOL,
        starts_at=noon - datetime.timedelta(hours=4),
        ends_at=noon + datetime.timedelta(hours=4),
    )
    notified = Notification.objects.count()

    response = client_for(w.a.teacher).get(roll.url)

    rows = {row.student.pk: row for row in response.context["sheet"].rows}
    assert rows[w.a.student.pk].absent_last_time and not rows[exempt.pk].absent_last_time
    assert rows[exempt.pk].exempt and not rows[w.a.student.pk].exempt
    assert rows[known.pk].known_absent and not rows[trip.pk].known_absent
    assert rows[away.pk].known_absent and rows[away.pk].out_of_school and not rows[known.pk].out_of_school
    page = response.content.decode()
    assert "Absent last session" in page and "Exempt" in page and "Absence known to school life" in page
    assert "Out of school" in page
    form = response.context["form"]
    assert form[f"status-{known.pk}"].value() == "absent", "school life's absence opens the roll marked absent"

    # Saving it as shown keeps school life's absence: no second absence, no second alert.
    data = marks_post([w.a.student, exempt, known, trip, away], {known.pk: "absent", away.pk: "absent"})
    client_for(w.a.teacher).post(roll.url, data)
    assert Absence.objects.filter(student=known).count() == 1
    assert Absence.objects.filter(student=away).count() == 1
    assert Notification.objects.count() == notified
    assert AttendanceMark.objects.filter(session=roll.session, student=known, status="absent").exists()


def test_a_substitute_calls_the_roll_and_the_planned_teacher_no_longer_can(roll, client_for):
    w = roll.world
    substitute = f.person(w.a.establishment, Role.TEACHER, last_name="Remplacant")
    Session.objects.filter(pk=roll.session.pk).update(teacher=substitute)
    assert client_for(substitute).get(roll.url).status_code == 200
    assert client_for(w.a.teacher).get(roll.url).status_code == 404


def test_access_other_teacher_other_establishment_families(roll, client_for):
    w = roll.world
    colleague = f.person(w.a.establishment, Role.TEACHER, last_name="Collegue")
    assert client_for(colleague).get(roll.url).status_code == 404
    assert client_for(colleague).post(roll.url, marks_post([w.a.student])).status_code == 404
    other = session_on(w.c.teaching, roll.session.date)
    other_url = reverse("attendance:roll-call", args=[other.pk])
    assert client_for(w.a.teacher).get(other_url).status_code == 404
    assert client_for(w.a.school_life).get(other_url).status_code == 404
    assert client_for(w.a.student).get(roll.url).status_code == 403
    assert client_for(w.a.parent).get(roll.url).status_code == 403
    assert client_for(w.a.parent).post(roll.url, marks_post([w.a.student])).status_code == 403
    assert client_for(w.a.school_life).get(roll.url).status_code == 200
    assert not RollCall.objects.exists()


def test_school_life_calls_a_roll_and_goes_back_to_the_sessions_not_called(roll, client_for):
    w = roll.world
    response = client_for(w.a.school_life).post(roll.url, marks_post([w.a.student], {w.a.student.pk: "absent"}))
    missing = reverse("attendance:roll-call-missing")
    assert response.status_code == 302 and response["Location"] == f"{missing}?date={roll.session.date.isoformat()}"
    assert RollCall.objects.get().called_by == w.a.school_life
    assert Absence.objects.get().created_by == w.a.school_life


def test_a_cancelled_session_has_no_roll_call(roll, client_for):
    Session.objects.filter(pk=roll.session.pk).update(status=Session.Status.CANCELLED)
    assert client_for(roll.world.a.teacher).get(roll.url).status_code == 404


def _students(world: World, count: int) -> list[User]:
    return [world.a.student, *add_students(world, count - 1)]


@pytest.mark.parametrize("count", [3, 30])
def test_query_counts_do_not_grow_with_the_class(roll, client_for, django_assert_num_queries, count):
    w = roll.world
    students = _students(w, count)
    client = client_for(w.a.teacher)
    client.get(roll.url)  # the session and the scope cached as on any later page
    earlier = session_on(w.a.teaching, roll.session.date - datetime.timedelta(days=7))
    services.roll_call_save(
        scope=scope_of(w.a.teacher),
        session=earlier,
        marks={s.pk: services.Mark("absent") for s in students[::2]},
        version=None,
    )

    with django_assert_num_queries(9):
        assert client.get(roll.url).status_code == 200
    marks = {s.pk: "absent" for s in students[::3]} | {s.pk: "late:10" for s in students[1::3]}
    with django_assert_num_queries(26):
        assert client.post(roll.url, marks_post(students, marks)).status_code == 302
    version = RollCall.objects.get(session=roll.session).version
    corrected = {s.pk: "late:5" for s in students[::3]} | {s.pk: "left_early" for s in students[2::3]}
    with django_assert_num_queries(35):
        response = client.post(roll.url, marks_post(students, corrected, version=str(version)))
        assert response.status_code == 302


def test_a_correction_made_meanwhile_refuses_the_later_one_with_the_other_marks_shown(roll, client_for):
    w = roll.world
    other = add_students(w, 1)[0]
    students = [w.a.student, other]
    client_for(w.a.teacher).post(roll.url, marks_post(students))

    refused = race_on_form(
        roll.url,
        first=client_for(w.a.school_life),
        second=client_for(w.a.teacher),
        first_data=marks_post(students, {other.pk: "late:15"}),
        second_data=marks_post(students, {w.a.student.pk: "absent"}),
    )

    text = page_text(refused)
    assert "Late (15 min)" in text, "the other person's marks are shown"
    assert refused.context["form"][f"status-{w.a.student.pk}"].value() == "absent", "the typed marks are kept"
    assert list(AttendanceMark.objects.values_list("student_id", "status")) == [(other.pk, "late")]
    # Saving again, knowingly, replaces theirs.
    again = client_for(w.a.teacher).post(
        roll.url, marks_post(students, {w.a.student.pk: "absent"}, version=shown_version(refused))
    )
    assert again.status_code == 302
    assert list(AttendanceMark.objects.values_list("student_id", "status")) == [(w.a.student.pk, "absent")]
    assert not Lateness.objects.exists()


def test_a_first_call_made_meanwhile_refuses_the_later_first_call(roll, client_for):
    w = roll.world
    teacher, school_life = client_for(w.a.teacher), client_for(w.a.school_life)
    assert "version" not in teacher.get(roll.url).context["form"].fields
    assert school_life.post(roll.url, marks_post([w.a.student], {w.a.student.pk: "left_early"})).status_code == 302

    refused = teacher.post(roll.url, marks_post([w.a.student], {w.a.student.pk: "absent"}))

    assert refused.status_code == 200 and REFUSAL in page_text(refused)
    assert "Left early" in page_text(refused)
    assert AttendanceMark.objects.get().status == "left_early"
    assert not Absence.objects.exists()
    assert shown_version(refused) == str(RollCall.objects.get().version)
